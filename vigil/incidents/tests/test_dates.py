from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from vigil.incidents.dates import DateFormatError, Precision, UncertainDate, display_period


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("2025-03-14", date(2025, 3, 14), Precision.DAY),
        ("2025-03", date(2025, 3, 1), Precision.MONTH),
        ("2025", date(2025, 1, 1), Precision.YEAR),
        ("~2025", date(2025, 1, 1), Precision.ESTIMATE),
        ("", None, Precision.UNKNOWN),
        ("unknown", None, Precision.UNKNOWN),
    ],
)
def test_each_text_form_reads_as_its_precision(text: str, value: date | None, precision: Precision) -> None:
    parsed = UncertainDate.parse(text)
    assert (parsed.value, parsed.precision) == (value, precision)


@pytest.mark.parametrize("text", ["2025-02-30", "14.03.2025", "March", "20255", "1850"])
def test_a_wrong_date_is_refused_with_the_allowed_forms(text: str) -> None:
    with pytest.raises(DateFormatError):
        UncertainDate.parse(text)


def test_dates_render_at_their_precision_in_english_and_russian() -> None:
    with translation.override("en"):
        assert UncertainDate.parse("2025-03").display() == "March 2025"
        assert UncertainDate.parse("~2025").display() == "~2025"
        assert UncertainDate.parse("").display() == "unknown"
        assert display_period(UncertainDate.parse("2025-03"), UncertainDate.parse("2025-05")) == "March 2025 – May 2025"
    with translation.override("ru"):
        assert UncertainDate.parse("2025-03").display().lower() == "март 2025"
        assert UncertainDate.parse("2025-03-14").display() == "14 марта 2025"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 1, 1)), st.sampled_from(list(Precision)))
def test_the_text_form_reads_back_to_the_same_value(day: date, precision: Precision) -> None:
    if precision == Precision.UNKNOWN:
        original = UncertainDate.unknown()
    else:
        value = {
            Precision.DAY: day,
            Precision.MONTH: day.replace(day=1),
        }.get(precision, day.replace(month=1, day=1))
        original = UncertainDate(value, precision)
    assert UncertainDate.parse(original.text()) == original
