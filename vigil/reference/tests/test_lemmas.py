"""``~lemma`` triggers: one dictionary word matches every form of it."""

import tomllib

from vigil.reference.lemmas import LEMMA, english_forms, expand_lemmas, russian_forms
from vigil.reference.triggers import compile_phrases, normalise
from vigil.reference.vocabularies import DATA_DIR, match_triggers, vocabulary_names


def test_every_russian_lemma_of_the_data_is_in_the_generated_table() -> None:
    missing = []
    for name in vocabulary_names():
        data = tomllib.loads((DATA_DIR / f"{name}.toml").read_text(encoding="utf-8"))
        for term in data.get("term", []):
            for phrase in term.get("triggers_ru", []):
                missing += [m.group(1) for m in LEMMA.finditer(phrase) if russian_forms(m.group(1)) is None]
    assert not missing, f"re-run `python -m vigil.reference.build_lemma_forms` for {missing}"


def test_russian_lemma_covers_tense_gender_participle_and_gerund() -> None:
    pattern = compile_phrases((expand_lemmas("~исчезнуть", "ru"),))
    for form in ("исчез", "исчезла", "исчезнувшего", "исчезнув", "исчезнут"):
        assert pattern.search(normalise(f"парень {form} в мае")), form
    assert not pattern.search("исчезновение")  # a noun is a lemma of its own


def test_english_suffix_rules() -> None:
    assert set(english_forms("detain")) == {"detain", "detains", "detained", "detaining"}
    assert {"beaten", "beating"} <= set(english_forms("beat"))
    assert {"robbed", "robbing"} <= set(english_forms("rob"))
    assert {"expelled", "expelling"} <= set(english_forms("expel"))
    assert {"seized", "seizing"} <= set(english_forms("seize"))
    assert "harassed" in english_forms("harass")


def test_lemma_triggers_fire_through_the_vocabulary() -> None:
    hits = match_triggers("act_types", "Сотрудники полиции избивали его и исчезнувшего друга.", "ru")
    assert {"beating", "enforced_disappearance"} <= {term.code for term, _, _ in hits}
