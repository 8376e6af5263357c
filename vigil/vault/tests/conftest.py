from collections.abc import Iterator

import pytest

from vigil.vault import state


@pytest.fixture(autouse=True)
def _sealed_after_each_test() -> Iterator[None]:
    yield
    state.seal_process()
