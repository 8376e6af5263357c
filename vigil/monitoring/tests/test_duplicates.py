"""Duplicate scoring: place, period at its precision, victims and wording each count; a different region vetoes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from vigil.accounts.models import Team, User
from vigil.monitoring.actions import do_accept_draft, draft_values
from vigil.monitoring.candidates import duplicate_candidates
from vigil.monitoring.duplicates import Facts, facts_from_values, period_of, score, shingles
from vigil.monitoring.ingest import ingest_files
from vigil.monitoring.models import Draft
from vigil.monitoring.tests.reports import EN_OTHER, RU_REPORT, write

GROZNY = Facts(city="RU/grozny", region="RU-CE", country="RU")


def test_a_date_means_the_whole_period_of_its_precision() -> None:
    assert period_of("2025") == (date(2025, 1, 1), date(2025, 12, 31))
    assert period_of("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_of("2025-03-03") == (date(2025, 3, 3), date(2025, 3, 3))
    assert period_of("spring") is None and period_of(None) is None


def test_the_same_city_and_overlapping_periods_make_a_likely_duplicate() -> None:
    draft = Facts(**{**GROZNY.__dict__, "period": period_of("2025-03-03"), "victims": 1})
    known = Facts(**{**GROZNY.__dict__, "period": period_of("2025-03"), "victims": 1})
    result = score(draft, known)
    assert result.likely and result.parts == {"place": 1.0, "period": 1.0, "victims": 1.0}


def test_a_known_month_overlaps_a_day_inside_it_but_not_a_day_two_months_later() -> None:
    month = Facts(period=period_of("2025-03"))
    assert score(Facts(period=period_of("2025-03-20")), month).parts["period"] == 1.0
    assert score(Facts(period=period_of("2025-05-20")), month).parts["period"] == 0.0
    assert 0 < score(Facts(period=period_of("2025-04-10")), month).parts["period"] < 1


def test_a_different_region_vetoes_whatever_else_agrees() -> None:
    text = "police detained a young man at a checkpoint and beat him"
    here = Facts(region="RU-CE", country="RU", period=period_of("2025-03-03"), text=text)
    there = Facts(region="RU-DA", country="RU", period=period_of("2025-03-03"), text=text)
    assert not score(here, there).likely
    assert score(here, Facts(**{**there.__dict__, "region": "RU-CE"})).likely


def test_victim_attributes_compare_age_bands_citizenship_and_counts() -> None:
    one = Facts(age_bands=frozenset({"18_25"}), citizenship=frozenset({"KG"}), victims=1)
    assert score(one, one).parts["victims"] == 1.0
    other = Facts(age_bands=frozenset({"41_60"}), citizenship=frozenset({"UZ"}), victims=4)
    assert score(one, other).parts["victims"] == pytest.approx(0.25 / 3, abs=0.001)


def test_text_similarity_finds_a_short_message_quoted_in_a_longer_article() -> None:
    message = "Police in Nalchik detained two men on 12 May and held them without a lawyer."
    article = "Our correspondent reports. " + message + " Their relatives are looking for them."
    assert score(Facts(text=message), Facts(text=article)).parts["text"] == 1.0
    assert (
        score(Facts(text=message), Facts(text="A concert took place in the city park on Sunday.")).parts["text"] == 0.0
    )


def test_shingles_ignore_case_punctuation_and_yo() -> None:
    assert shingles("Её задержали в Грозном!") == shingles("ее ЗАДЕРЖАЛИ, в грозном")


def test_nothing_comparable_scores_zero() -> None:
    assert score(Facts(), Facts()).total == 0.0


def test_draft_facts_use_gazetteer_codes_and_age_bands() -> None:
    facts = facts_from_values(
        {
            "city": "Grozny",
            "region": "Chechnya",
            "country": "Russia",
            "date_start": "2025-03",
            "victim_ages": [24],
            "victim_citizenship": ["Kyrgyzstan"],
            "victims": 1,
        }
    )
    assert (facts.city, facts.region, facts.country) == ("RU/grozny", "RU-CE", "RU")
    assert facts.age_bands == {"18_25"} and facts.citizenship == {"KG"}


@pytest.mark.django_db
def test_the_draft_page_candidates_are_the_visible_incidents_of_the_same_event(
    tmp_path: Path, team: Team, colleague: User, outsider: User
) -> None:
    def ingest(name: str, text: str) -> Draft:
        ingest_files([write(tmp_path, name, text)], team=team, reference_date=date(2025, 3, 4), progress=False)
        return Draft.objects.latest("created_at")

    known = do_accept_draft(draft=ingest("a.txt", RU_REPORT), actor=colleague)
    ingest("b.txt", EN_OTHER)  # another region: never a candidate
    again = ingest("c.txt", RU_REPORT.replace("Вчера", "3 марта") + " Об этом сообщили правозащитники.")
    values = draft_values(again)
    candidates = duplicate_candidates(colleague, values, again.report.text)
    assert [candidate.incident for candidate in candidates] == [known]
    assert candidates[0].score.likely
    assert duplicate_candidates(outsider, values, again.report.text) == []
