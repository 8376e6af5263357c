"""Regression floor on our own invented held-out reports (tests/reports/).

These reports were written independently of the extractor and were first used
as held-out sets: the first twelve (overall F1 0.67 before the generalisation
work, 0.85 after), then ten more (0.66 before the second round, 0.84 after;
0.84 on all twenty-two), then ten more (0.67 before the third round, 0.84
after; 0.86 on all thirty-two), then ten more (0.68 before the fourth round; 0.81 on all forty-two
with them added).  The floor sits a little below the score
reached, so a change that makes extraction worse on unseen-style reports fails
here.  Tune rules for causes a documenter would agree with, never for a
sentence of these files.
"""

from pathlib import Path

from vigil.extraction.evaluation import Score, evaluate, format_table

REPORTS = Path(__file__).resolve().parent / "reports"
FLOOR = 0.80
INCIDENT_FLOOR = 0.92
# The first thirty-two keep their own floor, so adding harder reports never lowers the bar on them.
FIRST_FLOOR = 0.85
FIRST_INCIDENT_FLOOR = 0.96
FOURTH_ROUND = {
    "chechen-woman-ru",
    "chechnya-ngo-en",
    "digest-feb-en",
    "digest-ru",
    "dushanbe-wire-en",
    "kaspiysk-telegram-ru",
    "kazan-club-ru",
    "krasnodar-court-en",
    "nizhny-court-ru",
    "shymkent-testimony-en-2",
}


def test_the_held_out_reports_score_stays_above_the_floor() -> None:
    per, total = evaluate(REPORTS)
    assert len(per) == 42, "a report or its gold file is missing"
    assert total.overall_f1() >= FLOOR, format_table(per, total)
    assert total.sets["incidents"].prf()[2] >= INCIDENT_FLOOR, format_table(per, total)
    first = Score()
    for name, score in per.items():
        if name not in FOURTH_ROUND:
            first.merge(score)
    assert first.overall_f1() >= FIRST_FLOOR, format_table(per, total)
    assert first.sets["incidents"].prf()[2] >= FIRST_INCIDENT_FLOOR, format_table(per, total)
