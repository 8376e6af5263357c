"""The documentation flow in real Chromium: record an incident with two acts, a victim and a source, find it by
search, and see that an outsider gets 'not found'."""

from __future__ import annotations

from typing import Any

import pytest

from vigil.accounts.models import User
from vigil.incidents.models import Incident
from vigil.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def save(page: Any) -> None:
    page.locator("[data-testid=save]").click()
    page.wait_for_load_state()


def test_an_incident_with_two_acts_a_victim_and_a_source_is_found_and_hidden_from_outsiders(
    page: Any, caseworker: User, outsider: User
) -> None:
    log_in(page, caseworker)
    page.locator("[data-testid=nav-incidents]").click()
    page.locator("[data-testid=new-incident]").click()
    page.fill("#id_title", "Облава после свидания в Махачкале")
    page.fill("#id_summary", "Two men were detained after a staged date.")
    page.select_option("#id_place", "RU/makhachkala")
    page.fill("#id_start", "2025-03")
    page.select_option("#id_verification", "V1")
    save(page)
    assert page.locator("[data-testid=incident-title]").inner_text() == "Облава после свидания в Махачкале"
    detail_url = page.url

    page.locator("[data-testid=add-act]").click()
    page.select_option("#id_act_type", "staged_date")
    page.fill("#id_new_victim", "R.")
    page.select_option("#id_perpetrator_type", "centre_e")
    save(page)
    page.locator("[data-testid=add-act]").click()
    page.select_option("#id_act_type", "administrative_arrest")
    page.select_option("#id_victim", label="R.")
    page.select_option("#id_perpetrator_type", "police")
    page.fill("#id_articles", "KoAP 19.3")
    save(page)
    page.locator("[data-testid=add-source]").click()
    page.select_option("#id_source_type", "lawyer")
    page.fill("#id_label", "Lawyer of R.")
    page.select_option("#id_reliability", "B")
    save(page)

    acts = page.locator("[data-testid=acts] tbody tr")
    assert acts.count() == 2
    assert "R." in acts.nth(0).inner_text() and "KoAP 19.3" in page.locator("[data-testid=acts]").inner_text()
    assert "Lawyer of R." in page.locator("[data-testid=sources]").inner_text()

    page.locator("[data-testid=nav-incidents]").click()
    page.fill("#id_q", "облава свидан")
    page.select_option("#id_act_type", "entrapment")
    page.locator("[data-testid=search]").click()
    page.wait_for_load_state()
    rows = page.locator("[data-testid=incident-table] tbody tr")
    assert rows.count() == 1
    assert "облава" not in page.url.lower()
    rows.first.locator("a").click()
    assert page.url == detail_url
    assert Incident.objects.get().acts.count() == 2

    page.context.clear_cookies()
    log_in(page, outsider)
    response = page.goto(detail_url)
    assert response is not None and response.status == 404
    assert "Облава" not in page.content()
    assert page.locator("h1").inner_text() != "Облава после свидания в Махачкале"
