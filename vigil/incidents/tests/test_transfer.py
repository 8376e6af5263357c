"""CSV and JSON import and export: every problem with its place, all or nothing, no duplicates on re-import."""

from __future__ import annotations

import json

import pytest

from vigil.accounts.models import Team, User
from vigil.incidents.models import Act, Incident
from vigil.incidents.search import search_incidents
from vigil.incidents.tests.helpers import make_act, make_incident, make_source
from vigil.incidents.transfer import ImportFailed, export_csv, export_json, import_incidents

pytestmark = pytest.mark.django_db

HEADER = "external_id,title,summary,place,start,end,verification,act_types,perpetrators,articles\n"
GOOD = (
    HEADER
    + 'a-1,Raid in Grozny,"Men detained, phones searched",RU/grozny,2025-03,,V1,arbitrary_detention_x;beating,police,\n'
).replace("arbitrary_detention_x", "deprivation_of_liberty")


def run(caseworker: User, team: Team, text: str | bytes, fmt: str = "csv", dry_run: bool = False) -> object:
    data = text.encode() if isinstance(text, str) else text
    return import_incidents(actor=caseworker, team=team, data=data, file_format=fmt, dry_run=dry_run)


def problems(caseworker: User, team: Team, text: str | bytes, fmt: str = "csv") -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        run(caseworker, team, text, fmt)
    assert Incident.objects.count() == 0
    return [str(problem) for problem in caught.value.report.problems]


def test_a_csv_row_becomes_an_incident_with_one_act_per_act_type(caseworker: User, team: Team) -> None:
    report = run(caseworker, team, GOOD)
    incident = Incident.objects.get()
    assert (report.created, report.acts) == (1, 2)  # type: ignore[attr-defined]
    assert sorted(incident.acts.values_list("act_type", flat=True)) == ["beating", "deprivation_of_liberty"]
    assert incident.region_code == "RU-CE"
    assert list(search_incidents(Incident.objects.all(), "phones")) == [incident]


def test_reimporting_the_same_file_creates_no_duplicates(caseworker: User, team: Team) -> None:
    without_ids = GOOD.replace("a-1,", ",")
    run(caseworker, team, without_ids)
    report = run(caseworker, team, without_ids)
    assert (report.created, report.skipped_existing) == (0, 1)  # type: ignore[attr-defined]
    assert Incident.objects.count() == 1 and Act.objects.count() == 2


def test_a_dry_run_reports_and_writes_nothing(caseworker: User, team: Team) -> None:
    report = run(caseworker, team, GOOD, dry_run=True)
    assert report.created == 1 and Incident.objects.count() == 0  # type: ignore[attr-defined]


def test_every_problem_is_reported_with_line_and_column_and_nothing_is_written(caseworker: User, team: Team) -> None:
    text = (
        GOOD
        + "a-2,Second,,RU/grozny,2025-02-30,,V1,beating,police,\n"
        + "a-3,Third,,Atlantis,2025,,V1,hooliganism,police,KoAP 999\n"
    )
    found = problems(caseworker, team, text)
    assert any(p.startswith("line 3, column start (5)") for p in found)
    assert any(p.startswith("line 4, column place (4)") for p in found)
    unknown = next(p for p in found if "hooliganism" in p)
    assert unknown.startswith("line 4, column act_types (8)") and "deprivation_of_liberty" in unknown
    assert any("KoAP 999" in p and "KoAP 19.3" in p for p in found)


def test_missing_and_unknown_columns_are_named(caseworker: User, team: Team) -> None:
    found = problems(caseworker, team, "title,colour\nx,red\n")
    assert any("colour" in p for p in found)
    assert any("missing" in p and "act_types" in p and "place" in p for p in found)


def test_a_file_that_is_not_utf8_is_refused_with_its_line(caseworker: User, team: Team) -> None:
    data = GOOD.encode() + "a-2,Задержание,,RU/grozny,2025,,V1,beating,,\n".encode("cp1251")
    found = problems(caseworker, team, data)
    assert found[0].startswith("line 3") and "UTF-8" in found[0]


def test_a_huge_field_is_refused(caseworker: User, team: Team) -> None:
    huge = HEADER + "a-9,T," + "x" * 200_000 + ",RU/grozny,2025,,V1,beating,,\n"
    found = problems(caseworker, team, huge)
    assert found and found[0].startswith("line 2")


def test_broken_json_is_reported_with_its_line_and_column(caseworker: User, team: Team) -> None:
    found = problems(caseworker, team, '{"incidents": [\n  {"title": "x",}\n]}', "json")
    assert found[0].startswith("line 2, column 17")
    found = problems(
        caseworker,
        team,
        json.dumps({"incidents": [{"title": "x", "place": "RU", "acts": [{"act_type": "nope"}]}]}),
        "json",
    )
    assert any("(incidents[0].acts[0].act_type)" in p and "entrapment" in p for p in found)


def test_json_problems_name_the_line_column_and_path_of_the_value(caseworker: User, team: Team) -> None:
    text = (
        '{"format": "vigil-incidents/1", "incidents": [\n'
        '  {"title": "Raid", "place": "RU/grozny", "start": "2025-03", "acts": [{"act_type": "beating"}]},\n'
        '  {"title": "Arrest", "place": "RU/grozny", "start": "2025",\n'
        '   "acts": [{"act_type": "beating"}, {"act_type": "hooliganism", "articles": ["KoAP 999"]}],\n'
        '   "sources": [{"source_type": "media", "label": "News", "reliability": "Z"}]},\n'
        '  {"place": "Atlantis", "start": "2025"}\n'
        "]}"
    )
    found = problems(caseworker, team, text, "json")
    unknown = next(p for p in found if "hooliganism" in p)
    assert unknown.startswith("line 4, column 51 (incidents[1].acts[1].act_type): ") and "beating" in unknown
    assert any(p.startswith("line 4, column 78 (incidents[1].acts[1].articles): ") for p in found)
    assert any(p.startswith("line 5, column 73 (incidents[1].sources[0].reliability): ") for p in found)
    assert any(p.startswith("line 6, column 13 (incidents[2].place): ") for p in found)
    # A field left out is placed at the object that lacks it.
    assert any(p.startswith("line 6, column 3 (incidents[2].title): ") for p in found)


def test_value_offsets_follow_nesting_escapes_and_repeated_keys() -> None:
    from vigil.incidents.jsonpositions import line_and_column, locate, value_offsets

    text = '{"a": [1, {"b\\"c": "x\\u00e9"}], "a2": null,\n "d": -1.5e3, "d": true}'
    assert json.loads(text)["d"] is True
    offsets = value_offsets(text)
    assert text[offsets['a[1].b"c']] == '"' and text[offsets["a[0]"]] == "1"
    assert line_and_column(text, offsets["d"]) == (2, 20)
    assert locate(text, offsets, "a[1].missing") == line_and_column(text, offsets["a[1]"])


def test_json_export_reimports_as_the_same_incidents_without_duplicates(
    caseworker: User, team: Team, other_team: Team, outsider: User
) -> None:
    incident = make_incident(caseworker, team, end="2025-04")
    make_act(caseworker, incident, articles=["KoAP 19.3"])
    make_source(caseworker, incident)
    exported = "".join(export_json(Incident.objects.all())).encode()
    report = run(caseworker, team, exported, "json")
    assert report.created == 1  # type: ignore[attr-defined]  # the original was not imported, so it had no key
    again = run(caseworker, team, exported, "json")
    assert again.created == 0  # type: ignore[attr-defined]
    copy = Incident.objects.exclude(pk=incident.pk).get()
    assert (copy.title, copy.start.text(), copy.end.text()) == (incident.title, "2025-03", "2025-04")
    assert list(copy.acts.get().articles.values_list("code", flat=True)) == ["KoAP 19.3"]
    assert copy.sources.get().reliability == "B"


def test_csv_export_reads_back(caseworker: User, team: Team) -> None:
    run(caseworker, team, GOOD)
    exported = "".join(export_csv(Incident.objects.all()))
    assert run(caseworker, team, exported).skipped_existing == 1  # type: ignore[attr-defined]


def test_a_csv_export_cannot_run_a_formula_in_a_spreadsheet_and_still_reads_back(
    caseworker: User, team: Team, outsider: User, other_team: Team
) -> None:
    incident = make_incident(caseworker, team, title='=HYPERLINK("http://example.invalid")', summary="@SUM(A1:A9) -1")
    make_act(caseworker, incident)
    exported = "".join(export_csv(Incident.objects.all()))
    assert "'=HYPERLINK" in exported
    assert "'@SUM" in exported
    assert ",=" not in exported and ',"=' not in exported
    run(outsider, other_team, exported)
    assert Incident.objects.get(team=other_team).title == '=HYPERLINK("http://example.invalid")'
