"""Full-text search behind one function, on SQLite (FTS5) and PostgreSQL (GIN)."""

from __future__ import annotations

import pytest

from vigil.accounts.models import Team, User
from vigil.incidents.actions import do_update_incident
from vigil.incidents.models import Incident
from vigil.incidents.search import search_incidents
from vigil.incidents.tests.helpers import make_incident

pytestmark = pytest.mark.django_db


def found(text: str) -> list[str]:
    return sorted(incident.title for incident in search_incidents(Incident.objects.all(), text))


def test_it_finds_words_and_word_beginnings_in_titles_and_summaries(caseworker: User, team: Team) -> None:
    make_incident(caseworker, team, title="Задержание в Грозном", summary="Парня задержали после свидания.")
    make_incident(caseworker, team, title="Raid on a café", summary="Police detained about forty men.")
    assert found("задерж") == ["Задержание в Грозном"]
    assert found("ЗАДЕРЖАЛИ свидания") == ["Задержание в Грозном"]
    assert found("police forty") == ["Raid on a café"]
    assert found("police свидания") == []


def test_query_syntax_in_the_text_is_treated_as_words(caseworker: User, team: Team) -> None:
    make_incident(caseworker, team, title="Raid on a café")
    for text in ['raid" OR title:*', "raid AND NOT", "raid) (", "raid' --", "NEAR(raid"]:
        assert found(text) in ([], ["Raid on a café"])


def test_an_edited_title_is_found_by_its_new_words_only(caseworker: User, team: Team) -> None:
    incident = make_incident(caseworker, team, title="Old headline")
    do_update_incident(actor=caseworker, incident=incident, values={"title": "Fresh headline"})
    assert found("fresh") == ["Fresh headline"]
    assert found("old") == []


def test_the_index_can_be_rebuilt_from_the_table(caseworker: User, team: Team) -> None:
    from vigil.incidents.search import rebuild_index

    make_incident(caseworker, team, title="Raid on a café")
    Incident.objects.update(title="Changed behind the actions' back")
    assert rebuild_index() == 1
    assert found("behind") == ["Changed behind the actions' back"]
