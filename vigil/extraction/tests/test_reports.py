"""Regression floor on our own invented held-out reports (tests/reports/).

These reports were written independently of the extractor and were first used
as held-out sets: the first twelve (overall F1 0.67 before the generalisation
work, 0.85 after), then ten more (0.66 before the second round, 0.84 after;
0.84 on all twenty-two), then ten more (0.67 before the third round, 0.84
after; 0.86 on all thirty-two), then ten more (0.68 before the fourth round; 0.81 on all forty-two
with them added), then ten more (0.70 before the fifth round, 0.73 after; 0.80 on all fifty-two,
with the forty-two at 0.81), then ten more (0.63 before the sixth round, 0.76 after; 0.80 on all
sixty-two, with the fifty-two at 0.80), then ten more (0.77 before the seventh round, 0.79 after;
0.80 on all seventy-two, with the sixty-two at 0.80), then ten more (0.69 before the eighth round, on
splitting incidents, 0.85 after; 0.83 on all eighty-two, with the seventy-two at 0.83).  The floor sits a
little below the score reached, so a change that makes extraction worse on unseen-style reports fails
here.  Tune rules for causes a documenter would agree with, never for a
sentence of these files.
"""

from pathlib import Path

from vigil.extraction.evaluation import Score, evaluate, format_table

REPORTS = Path(__file__).resolve().parent / "reports"
# All eighty-two reports.
FLOOR = 0.82
INCIDENT_FLOOR = 0.93
# The first seventy-two keep the floor they had before the eighth round was added.
SEVENTY_TWO_FLOOR = 0.82
SEVENTY_TWO_INCIDENT_FLOOR = 0.93
# The first sixty-two keep the floor they had before the seventh round was added.
SIXTY_TWO_FLOOR = 0.79
SIXTY_TWO_INCIDENT_FLOOR = 0.92
# The first fifty-two keep the floor they had before the sixth round was added.
FIFTY_TWO_FLOOR = 0.79
FIFTY_TWO_INCIDENT_FLOOR = 0.92
# The first forty-two keep the floor they had before the fifth round was added.
FORTY_TWO_FLOOR = 0.80
FORTY_TWO_INCIDENT_FLOOR = 0.92
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
FIFTH_ROUND = {
    "almaty-vigilantes-en",
    "april-digest-ru",
    "argun-roundup-en",
    "dushanbe-farrukh-ru",
    "kazan-club-ru-2",
    "khasavyurt-patimat-ru",
    "krasnodar-orlov-en",
    "nalchik-amir-en",
    "spb-party-raid-en",
    "urus-martan-adam-ru",
}
SIXTH_ROUND = {
    "balashikha-tajik-expelled-en",
    "chechnya-argun-tg-ru",
    "ingushetia-leila-ru",
    "kavkaz-digest-july-ru",
    "moscow-club-raid-en-2",
    "shali-video-wire-en",
    "shymkent-blackmail-en",
    "spb-khatuev-statement-en",
    "tashkent-art120-ru",
    "volgograd-badge-court-ru",
}

SEVENTH_ROUND = {
    "digest-february-ru",
    "dushanbe-farrukh-en",
    "grozny-apology-video-ru",
    "ingushetia-family-en",
    "makhachkala-centre-e-ru",
    "nalchik-two-men-en",
    "shymkent-hunters-ru",
    "spb-returned-chechen-woman-en",
    "volgograd-court-ru",
    "yekaterinburg-party-raid-en",
}
EIGHTH_ROUND = {
    "chechnya-sweep-en",
    "digest-march-en",
    "dushanbe-statement-en",
    "gudermes-trap-ru",
    "ingushetia-testimony-en",
    "makhachkala-video-ru",
    "samara-club-ru",
    "spb-chechen-woman-ru",
    "tashkent-art120-ru-2",
    "yekaterinburg-expulsion-en",
}


def test_the_held_out_reports_score_stays_above_the_floor() -> None:
    per, total = evaluate(REPORTS)
    assert len(per) == 82, "a report or its gold file is missing"
    assert total.overall_f1() >= FLOOR, format_table(per, total)
    assert total.sets["incidents"].prf()[2] >= INCIDENT_FLOOR, format_table(per, total)
    seventy_two = Score()
    sixty_two = Score()
    fifty_two = Score()
    forty_two = Score()
    first = Score()
    for name, score in per.items():
        if name in EIGHTH_ROUND:
            continue
        seventy_two.merge(score)
        if name in SEVENTH_ROUND:
            continue
        sixty_two.merge(score)
        if name in SIXTH_ROUND:
            continue
        fifty_two.merge(score)
        if name not in FIFTH_ROUND:
            forty_two.merge(score)
        if name not in FOURTH_ROUND | FIFTH_ROUND:
            first.merge(score)
    assert seventy_two.overall_f1() >= SEVENTY_TWO_FLOOR, format_table(per, total)
    assert seventy_two.sets["incidents"].prf()[2] >= SEVENTY_TWO_INCIDENT_FLOOR, format_table(per, total)
    assert sixty_two.overall_f1() >= SIXTY_TWO_FLOOR, format_table(per, total)
    assert sixty_two.sets["incidents"].prf()[2] >= SIXTY_TWO_INCIDENT_FLOOR, format_table(per, total)
    assert fifty_two.overall_f1() >= FIFTY_TWO_FLOOR, format_table(per, total)
    assert fifty_two.sets["incidents"].prf()[2] >= FIFTY_TWO_INCIDENT_FLOOR, format_table(per, total)
    assert forty_two.overall_f1() >= FORTY_TWO_FLOOR, format_table(per, total)
    assert forty_two.sets["incidents"].prf()[2] >= FORTY_TWO_INCIDENT_FLOOR, format_table(per, total)
    assert first.overall_f1() >= FIRST_FLOOR, format_table(per, total)
    assert first.sets["incidents"].prf()[2] >= FIRST_INCIDENT_FLOOR, format_table(per, total)
