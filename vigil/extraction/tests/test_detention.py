from vigil.extraction.detention import detention_days, find_durations


def days(text: str) -> int | None:
    found = detention_days(find_durations(text))
    return found.days if found else None


def test_days_in_custody_are_counted() -> None:
    assert days("He says he spent 76 days in a detention centre.") == 76
    assert days("Суд арестовал его на семь суток.") == 7
    assert days("Его задержали и продержали в отделе две недели.") == 14


def test_an_exact_term_beats_an_approximate_one() -> None:
    assert days("kept in custody for nearly three months; he spent 76 days in a detention centre") == 76


def test_possible_and_past_durations_are_not_detention() -> None:
    assert days("the examination could take up to one month") is None
    assert days("He was detained three days ago.") is None
