"""Unsealing with the default Argon2id parameters (target < 3 s) and a login's password check (target < 0.3 s).

Not a test. Creates a vault with the production parameters (1 GiB) in a temporary instance, then times
`do_unseal` with the passphrase (one Argon2id derivation, the unwrap and loading the keyring) and a login's password
check (`check_credentials`: one Argon2id computation compared with the password and the duress slot). Prints the times
measured in this run.
"""

from __future__ import annotations

import os
import tempfile
import time

os.environ["VIGIL_DATA_DIR"] = tempfile.mkdtemp(prefix="vigil-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
for name in ("VIGIL_CHEAP_KDF_FOR_TESTS", "VIGIL_DEBUG"):
    os.environ.pop(name, None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import RequestFactory  # noqa: E402

PASSPHRASE = "a long enough vault passphrase for the benchmark"  # noqa: S105
PASSWORD = "a long enough account password for the benchmark"  # noqa: S105


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    from vigil.accounts.actions import do_create_user
    from vigil.accounts.models import Role
    from vigil.accounts.views import check_credentials
    from vigil.vault import actions, state
    from vigil.vault.keys import Credential, get_vault
    from vigil.vault.wrapping import KdfParams

    actions.do_create_vault(passphrase=PASSPHRASE)
    params = KdfParams.from_dict(get_vault().kdf)
    print(f"Argon2id m={params.memory_kib // 1024} MiB, t={params.iterations}, p={params.parallelism}")
    start = time.perf_counter()
    actions.do_unseal(credential=Credential("passphrase", secret=PASSPHRASE))
    unseal = time.perf_counter() - start
    assert state.is_unsealed()
    state.seal_process()
    print(f"unseal: {unseal:.2f} s (target < 3 s) {'ok' if unseal < 3 else 'OVER'}")

    do_create_user(username="bench", password=PASSWORD, role=Role.CASEWORKER)
    request = RequestFactory().post("/accounts/login/", secure=True)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        user, _duress = check_credentials(request, "bench", PASSWORD)
        timings.append(time.perf_counter() - start)
        assert user is not None
    login = max(timings)
    print(f"login password check (worst of 3): {login:.3f} s (target < 0.3 s) {'ok' if login < 0.3 else 'OVER'}")


if __name__ == "__main__":
    main()
