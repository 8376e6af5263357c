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
splitting incidents, 0.85 after; 0.83 on all eighty-two, with the seventy-two at 0.83).

The next round used two fresh sets for development and a third as its test, scored once after the last
change.  Development (HELDOUT_20, HELDOUT_21): 0.59 and 0.66 with the code as it was; 0.55 and 0.67 when
they arrived, after changes made from the eighty-two alone (a sign of how little rules tuned on seen
reports carry over); 0.90 and 0.85 after the round's general changes (ages in words, narrative dates and
places, unknown groups as sources, threats explained by a finer act, first-person testimony, numbered
digest sections, street and station names, the attackers' count).  Test (HELDOUT_22): 0.65 (0.52 with the
code before the round).  All hundred and twelve: 0.85, with the eighty-two at 0.86.

The round after it worked first on the failures of HELDOUT_22 and the hundred and twelve by category (outcome
from the last thing said of the victim, a pair told apart by age split per victim, trigger families for
photographing, relatives paying, bodies handed over, family abusers, border crossings), then took HELDOUT_23
as development: 0.68 when it arrived (the same with the code before the round), 0.83 after the round's
general changes (ages listed together as one group, title lines heading digest sections, a region narrowed to
its one named city, the agent of the sentence before an act, outlets that reported first).  HELDOUT_22 went
from 0.65 to 0.71.  Test (HELDOUT_24), scored once after the last change: 0.82.  All hundred and thirty-two:
0.85, with the hundred and twelve at 0.85 (0.846 before the round) and the eighty-two at 0.86.

The floors sit a little below the scores reached, so a change that makes extraction worse on
unseen-style reports fails here.  Tune rules for causes a documenter would agree with, never for a
sentence of these files.
"""

from pathlib import Path

from vigil.extraction.evaluation import Score, evaluate, format_table

REPORTS = Path(__file__).resolve().parent / "reports"
# All hundred and thirty-two reports (0.85 reached).
FLOOR = 0.83
INCIDENT_FLOOR = 0.93
# The first hundred and twelve (0.854 reached; 0.846 before the round with HELDOUT_23-24).
HUNDRED_TWELVE_FLOOR = 0.84
HUNDRED_TWELVE_INCIDENT_FLOOR = 0.93
# The first eighty-two (0.86 reached; 0.83 before the round with HELDOUT_20-22).
EIGHTY_TWO_FLOOR = 0.85
EIGHTY_TWO_INCIDENT_FLOOR = 0.94
# The first seventy-two (0.86 reached).
SEVENTY_TWO_FLOOR = 0.84
SEVENTY_TWO_INCIDENT_FLOOR = 0.93
# The first sixty-two (0.85 reached).
SIXTY_TWO_FLOOR = 0.83
SIXTY_TWO_INCIDENT_FLOOR = 0.92
# The first fifty-two (0.85 reached).
FIFTY_TWO_FLOOR = 0.83
FIFTY_TWO_INCIDENT_FLOOR = 0.92
# The first forty-two (0.87 reached).
FORTY_TWO_FLOOR = 0.85
FORTY_TWO_INCIDENT_FLOOR = 0.92
# The first thirty-two keep their own floor, so adding harder reports never lowers the bar on them (0.91).
FIRST_FLOOR = 0.88
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
# Development sets of the round after the eighth (scored once on arrival, then worked on).
HELDOUT_20 = {
    "almaty-digest-en",
    "argun-testimony-en",
    "gudermes-telegram-ru",
    "law-opinion-ru",
    "makhachkala-students-ru",
    "nalchik-court-extension-en",
    "osh-extortion-en",
    "tashkent-article120-ru",
    "vladikavkaz-release-en",
    "yekaterinburg-club-ru",
}
HELDOUT_21 = {
    "bishkek-law-en",
    "chechnya-ingushetia-digest-ru",
    "conscript-testimony-en",
    "evacuation-stats-ru",
    "khasavyurt-family-en",
    "moscow-earrings-ru",
    "nazran-verdict-ru",
    "st-petersburg-vigilantes-en",
    "tajik-migrant-en",
    "vladikavkaz-fine-ru",
}
# The test set of that round: scored once, after its last change.
HELDOUT_22 = {
    "almaty-trans-ru",
    "argun-telegram-ru",
    "bishkek-deport-ru",
    "caucasus-digest-en",
    "derbent-testimony-en",
    "dushanbe-raid-en",
    "gudermes-death-en",
    "legal-guide-ru",
    "makhachkala-release-en",
    "moscow-extremism-ru",
}

# Development set of the round after (scored once on arrival, then worked on).
HELDOUT_23 = {
    "almaty-trans-woman-attack-en",
    "caucasus-digest-october-ru",
    "chechnya-adam-monologue-ru",
    "kazakhstan-propaganda-bill-en",
    "monitoring-digest-february-en",
    "nalchik-trap-ru",
    "pyatigorsk-tajik-expelled-ru",
    "tashkent-metro-testimony-en",
    "vladikavkaz-earrings-ru",
    "yekaterinburg-dj-extremism-en",
}
# The test set of that round: scored once, after its last change.
HELDOUT_24 = {
    "bishkek-club-raid-ru",
    "central-asia-digest-april-en",
    "cherkessk-threat-verdict-ru",
    "duma-fines-bill-none-ru",
    "gudermes-honour-killing-en",
    "makhachkala-bloggers-none-en",
    "moscow-turkmen-deported-en",
    "mozdok-conscript-testimony-en",
    "nizhny-rainbow-flag-ru",
    "spb-hunters-testimony-ru",
}


def test_the_held_out_reports_score_stays_above_the_floor() -> None:
    per, total = evaluate(REPORTS)
    assert len(per) == 132, "a report or its gold file is missing"
    assert total.overall_f1() >= FLOOR, format_table(per, total)
    assert total.sets["incidents"].prf()[2] >= INCIDENT_FLOOR, format_table(per, total)
    hundred_twelve = Score()
    eighty_two = Score()
    for name, score in per.items():
        if name in HELDOUT_23 | HELDOUT_24:
            continue
        hundred_twelve.merge(score)
        if name not in HELDOUT_20 | HELDOUT_21 | HELDOUT_22:
            eighty_two.merge(score)
    assert hundred_twelve.overall_f1() >= HUNDRED_TWELVE_FLOOR, format_table(per, total)
    assert hundred_twelve.sets["incidents"].prf()[2] >= HUNDRED_TWELVE_INCIDENT_FLOOR, format_table(per, total)
    assert eighty_two.overall_f1() >= EIGHTY_TWO_FLOOR, format_table(per, total)
    assert eighty_two.sets["incidents"].prf()[2] >= EIGHTY_TWO_INCIDENT_FLOOR, format_table(per, total)
    seventy_two = Score()
    sixty_two = Score()
    fifty_two = Score()
    forty_two = Score()
    first = Score()
    for name, score in per.items():
        if name in EIGHTH_ROUND | HELDOUT_20 | HELDOUT_21 | HELDOUT_22 | HELDOUT_23 | HELDOUT_24:
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
