"""Legal articles are complete, and offences named in words or cited by number map to their article."""

from __future__ import annotations

import pytest

from vigil.reference.legal import all_articles, find_article_references, find_articles_by_description, get_article

REQUIRED = [
    "KoAP 6.21",
    "KoAP 19.3",
    "KoAP 20.1",
    "KoAP 20.3",
    "KoAP 18.8",
    "KoAP 18.10",
    "KoAP 20.2",
    "KoAP 20.29",
    "KoAP 13.15",
    "KoAP 19.34",
    "KoAP 18.15",
    "KoAP 18.20",
    "KoAP 6.21.1",
    "KoAP 6.21.2",
    "UK 242",
    "UK 242.1",
    "UK 282.2",
    "UK 282.4",
    "UK 135",
    "UK 159",
    "UK 222",
    "UK 105",
    "UK 111",
    "UK 112",
    "UK 117",
    "UK 119",
    "UK 126",
    "UK 127",
    "UK 128.1",
    "UK 163",
    "UK 205",
    "UK 207.3",
    "UK 228",
    "UK 230",
    "UK 242.2",
    "UK 280",
    "UK 280.3",
    "UK 282",
    "UK 282.1",
    "UK 286",
    "UK 301",
    "UK 302",
    "UK 322",
    "UK 330.1",
    "UK 131",
    "UK 132",
    "UK 133",
]


@pytest.mark.parametrize("code", REQUIRED)
def test_every_required_article_is_present_with_both_titles(code: str) -> None:
    article = get_article(code)
    assert article.title_ru and article.title_en
    assert article.descriptions_ru and article.descriptions_en


def test_codes_are_unique_and_match_their_kind_and_number() -> None:
    codes = [a.code for a in all_articles()]
    assert len(codes) == len(set(codes))
    for article in all_articles():
        assert article.code == f"{'KoAP' if article.code_kind == 'koap' else 'UK'} {article.number}"


def test_codes_are_accepted_in_common_spellings() -> None:
    assert get_article("коап 19.3") == get_article("KoAP 19.3")
    assert get_article("УК РФ 242") == get_article("UK 242")
    with pytest.raises(KeyError, match="UK 999"):
        get_article("UK 999")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Его обвинили в неповиновении законному распоряжению сотрудника полиции.", "KoAP 19.3"),
        ("He was arrested for disobeying police.", "KoAP 19.3"),
        ("Протокол составили за пропаганду нетрадиционных сексуальных отношений.", "KoAP 6.21"),
        ("She was fined under the 'LGBT propaganda' law.", "KoAP 6.21"),
        ("Дело о гей-пропаганде передали в суд.", "KoAP 6.21"),
        ("Ему вменяют участие в экстремистской организации.", "UK 282.2"),
        ("He faces charges of participation in an extremist organisation.", "UK 282.2"),
        ("Против него завели дело о распространении порнографии.", "UK 242"),
        ("He was charged with the distribution of pornography.", "UK 242"),
        ("Задержанному вменили мелкое хулиганство.", "KoAP 20.1"),
        ("He got ten days for petty hooliganism.", "KoAP 20.1"),
        ("He was accused of illegal possession of firearms.", "UK 222"),
        ("Его обвинили в хранении патронов.", "UK 222"),
        ("Дело о мошенничестве прекратили.", "UK 159"),
        ("The officers were charged with fraud.", "UK 159"),
        ("Полицейских обвиняют в вымогательстве.", "UK 163"),
        ("The men were convicted of extortion.", "UK 163"),
        ("charges of producing child pornography", "UK 242.1"),
        ("He was fined for violating migration rules.", "KoAP 18.8"),
        ("Его привлекли за демонстрирование символики экстремистской организации.", "KoAP 20.3"),
        ("Ему вменили незаконное лишение свободы.", "UK 127"),
    ],
)
def test_an_offence_named_in_words_maps_to_its_article(text: str, code: str) -> None:
    assert code in [a.code for a, _, _ in find_articles_by_description(text)]


def test_the_more_specific_article_wins_where_descriptions_overlap() -> None:
    text = "threatened with the production and distribution of pornography involving a minor"
    assert [a.code for a, _, _ in find_articles_by_description(text)] == ["UK 242.1"]


def test_ordinary_sentences_name_no_article() -> None:
    assert find_articles_by_description("He spent the evening with friends in a café.") == []
    assert find_articles_by_description("Он пытался уехать из города.") == []


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("по ч. 2 ст. 6.21 КоАП РФ", ["KoAP 6.21"]),
        ("по статьям 242 и 242.1 УК РФ", ["UK 242", "UK 242.1"]),
        ("under Article 19.3 of the Code of Administrative Offences", ["KoAP 19.3"]),
        ("Article 282.2 of the Russian Criminal Code", ["UK 282.2"]),
        ("статья 999 УК", []),
    ],
)
def test_articles_cited_by_number_are_found(text: str, codes: list[str]) -> None:
    assert [a.code for a, _, _ in find_article_references(text)] == codes
