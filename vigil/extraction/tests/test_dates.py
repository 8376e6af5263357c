from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.extraction.dates import earliest_event_date, find_dates

REF = date(2021, 10, 25)


def values(text: str, reference: date | None = REF) -> list[str]:
    return [m.value for m in find_dates(text, reference)]


def test_yesterday_is_the_day_before_the_reference_date() -> None:
    assert values("Его задержали вчера у дома.") == ["2021-10-24"]
    assert values("He was detained yesterday.") == ["2021-10-24"]


def test_a_month_of_last_year_has_month_precision() -> None:
    assert values("он был задержан в феврале прошлого года") == ["2020-02"]


def test_last_month_resolves_against_the_reference_date() -> None:
    assert values("Police raided the flat last month.") == ["2021-09"]


def test_a_bare_month_is_the_most_recent_such_month_not_after_the_reference() -> None:
    assert values("В декабре его вызвали в полицию.") == ["2020-12"]
    assert values("In March he was beaten.") == ["2021-03"]


def test_the_night_before_a_date_is_that_date() -> None:
    assert values("В ночь на 9 марта 2023 года его увезли.") == ["2023-03-09"]


def test_terms_of_arrest_and_stays_are_durations_not_dates() -> None:
    assert values("Суд назначил 15 суток ареста, он провёл 7 суток в спецприёмнике.") == []
    assert values("He spent 76 days in a detention centre and two weeks in hospital.") == []


def test_a_month_in_a_range_takes_the_year_at_the_end_of_the_range() -> None:
    assert values("He was held from late July to mid-November 2022.")[0] == "2022-07"


def test_relative_dates_without_a_reference_date_are_dropped_not_guessed() -> None:
    assert values("Его задержали вчера, а 5 апреля 2023 года снова.", None) == ["2023-04-05"]


def test_a_season_gives_only_the_year_and_a_finer_date_inside_it_wins() -> None:
    mentions = find_dates("detained in the summer of 2022 and held from late July 2022", REF)
    best = earliest_event_date(mentions)
    assert best is not None and best.value == "2022-07"


def test_future_looking_modal_may_is_not_a_month() -> None:
    assert values("He may be detained again.") == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_date_parsing_never_crashes_on_arbitrary_text(text: str) -> None:
    for mention in find_dates(text, REF):
        assert mention.start < mention.end


def test_a_weekday_with_last_is_the_most_recent_such_day() -> None:
    # REF is a Monday: the Saturday before it is 23 October.
    assert values("В прошлую субботу его задержали.") == ["2021-10-23"]
    assert values("He was detained last Saturday.") == ["2021-10-23"]
