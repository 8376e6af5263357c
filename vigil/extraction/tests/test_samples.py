"""Regression floor on the hand-annotated samples in ../shared/samples.

The floor sits a little below the score reached when it was set, so a change that
makes extraction worse fails here; the samples themselves are never copied into
the repository.
"""

from pathlib import Path

import pytest

from vigil.extraction.evaluation import evaluate, format_table

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples"
FLOOR = 0.95


@pytest.mark.skipif(not (SAMPLES / "INDEX.tsv").exists(), reason=f"no samples at {SAMPLES}")
def test_the_samples_score_stays_above_the_floor() -> None:
    per, total = evaluate(SAMPLES)
    assert per, "no sample with a gold file"
    assert total.overall_f1() >= FLOOR, format_table(per, total)
    assert total.sets["incidents"].prf()[2] >= FLOOR, format_table(per, total)
