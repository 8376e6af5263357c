import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.vault.blind_index import blind_index, derive_index_key
from vigil.vault.normalise import normalise_handle, normalise_name, normalise_phone

INDEX_KEY = derive_index_key(b"k" * 32)


@pytest.mark.parametrize("text", ["+7 (928) 123-45-67", "89281234567", "+79281234567", "8 928 123 45 67"])
def test_russian_phone_numbers_in_any_spelling_have_one_form(text: str) -> None:
    assert normalise_phone(text) == "+79281234567"


def test_all_spellings_of_a_phone_give_one_blind_index() -> None:
    indexes = {
        blind_index(INDEX_KEY, "phone", normalise_phone(t))
        for t in ("+7 (928) 123-45-67", "89281234567", "+79281234567")
    }
    assert len(indexes) == 1


def test_a_foreign_number_keeps_its_country_code() -> None:
    assert normalise_phone("+49 30 901820") == "+4930901820"


@pytest.mark.parametrize("text", ["123", "not a phone", "+7 000"])
def test_an_invalid_phone_number_is_refused_with_a_clear_message(text: str) -> None:
    with pytest.raises(ValueError, match="phone number"):
        normalise_phone(text)


@pytest.mark.parametrize(
    "text",
    ["@User", "user", " USER ", "https://t.me/User", "t.me/user/", "www.instagram.com/user/?hl=ru", "@@user"],
)
def test_handles_in_any_spelling_have_one_form(text: str) -> None:
    assert normalise_handle(text) == "user"


def test_a_handle_with_spaces_or_cyrillic_is_refused() -> None:
    with pytest.raises(ValueError, match="Latin letters"):
        normalise_handle("Иван Петров")
    with pytest.raises(ValueError, match="no handle"):
        normalise_handle(" @ ")


def test_names_fold_case_yo_and_spacing() -> None:
    assert normalise_name("  Алёна\u00ad   ПЁТРОВА ") == normalise_name("алена петрова") == "алена петрова"


def test_a_decomposed_short_i_matches_the_composed_one() -> None:
    assert normalise_name("Йусуп") == normalise_name("И\u0306усуп")


@given(st.text(max_size=40))
def test_normalising_a_name_twice_changes_nothing(text: str) -> None:
    try:
        once = normalise_name(text)
    except ValueError:
        return
    assert normalise_name(once) == once


@given(st.text(max_size=40))
def test_normalising_a_handle_twice_changes_nothing(text: str) -> None:
    try:
        once = normalise_handle(text)
    except ValueError:
        return
    assert normalise_handle(once) == once


@given(
    st.from_regex(r"\+?[78]?[ (]?9[0-9]{2}[) -]?[0-9]{3}-?[0-9]{2}-?[0-9]{2}", fullmatch=True) | st.text(max_size=20)
)
def test_normalising_a_phone_twice_changes_nothing(text: str) -> None:
    try:
        once = normalise_phone(text)
    except ValueError:
        return
    assert normalise_phone(once) == once


def test_blind_indexes_are_separated_by_kind() -> None:
    assert blind_index(INDEX_KEY, "handle", "user") != blind_index(INDEX_KEY, "name", "user")


def test_blind_indexes_depend_on_the_key_and_hide_the_value() -> None:
    index = blind_index(INDEX_KEY, "phone", "+79281234567")
    assert index != blind_index(derive_index_key(b"j" * 32), "phone", "+79281234567")
    assert "79281234567" not in index
    assert len(index) == 64


def test_the_index_key_differs_from_the_key_it_comes_from() -> None:
    assert derive_index_key(b"k" * 32) != b"k" * 32
