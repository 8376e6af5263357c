from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.extraction import fastmatch
from vigil.reference import legal, vocabularies

OWN_TEXTS = [
    "Полицейские задержали мужчину, избили его и угрожали возбудить уголовное дело за ЛГБТ-пропаганду.",
    "He was detained, forced to unlock his phone and fined for disobeying a police officer; later deported.",
    "Суд назначил 10 суток административного ареста и штраф за мелкое хулиганство.",
    # number-first phrases ("# суток ареста"), whole first words ("в отдел"), repeated words
    "В отдел полиции его доставили в пятницу; в суде дали семь суток ареста, потом ещё 5-дневный арест.",
    "He got 15 days of administrative arrest, then five days in jail and a 30,000 rubles fine in Osh.",
]
SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples"


def texts() -> list[str]:
    found = list(OWN_TEXTS)
    if SAMPLES.is_dir():
        found += [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    return found


def same_hits(vocabulary: str, text: str, lang: str) -> None:
    expected = [(t.code, s, e) for t, s, e in vocabularies.match_triggers(vocabulary, text, lang)]
    assert [(t.code, s, e) for t, s, e in fastmatch.match_triggers(vocabulary, text, lang)] == expected


def test_the_fast_trigger_matcher_finds_exactly_what_the_reference_finds() -> None:
    for text in texts():
        for vocabulary in ("act_types", "perpetrator_types", "outcomes"):
            for lang in ("ru", "en"):
                same_hits(vocabulary, text, lang)


def test_the_fast_description_matcher_finds_exactly_what_the_reference_finds() -> None:
    for text in texts():
        expected = [(a.code, s, e) for a, s, e in legal.find_articles_by_description(text)]
        assert [(a.code, s, e) for a, s, e in fastmatch.find_articles_by_description(text)] == expected


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "задержали",
                "избили",
                "detained",
                "beaten",
                "суд",
                "court",
                "штраф",
                "fined",
                "ЛГБТ-пропаганду",
                "pornography",
                "угрожали",
                "threatened",
                "police",
                "полиция",
                "arrest",
                "суток",
                "7",
                ",",
                "не",
                "not",
            ]
        ),
        max_size=25,
    )
)
def test_fast_matching_agrees_on_random_word_salads(words: list[str]) -> None:
    text = " ".join(words)
    for lang in ("ru", "en"):
        same_hits("act_types", text, lang)
    expected = [(a.code, s, e) for a, s, e in legal.find_articles_by_description(text)]
    assert [(a.code, s, e) for a, s, e in fastmatch.find_articles_by_description(text)] == expected
