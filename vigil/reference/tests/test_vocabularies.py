"""The vocabulary files load, validate and map every finer term onto the codes of the samples contract."""

from __future__ import annotations

import tomllib

import pytest

from vigil.reference.tests.samples_readme import readme_codes
from vigil.reference.triggers import TriggerSyntaxError, compile_phrases
from vigil.reference.vocabularies import (
    DATA_DIR,
    Vocabulary,
    VocabularyError,
    _parse,
    load_vocabulary,
    vocabulary_names,
)

EXPORTED = {"act_types": "acts", "perpetrator_types": "perpetrators", "outcomes": "outcome"}


@pytest.mark.parametrize("name", vocabulary_names())
def test_every_vocabulary_loads_with_version_unique_codes_existing_parents_and_both_labels(name: str) -> None:
    vocabulary = load_vocabulary(name)
    assert vocabulary.version and vocabulary.source
    codes = vocabulary.codes()
    assert len(codes) == len(set(codes))
    for term in vocabulary.terms:
        assert term.label_en.strip() and term.label_ru.strip()
        if term.parent is not None:
            assert term.parent in vocabulary
        vocabulary.ancestors(term.code)


@pytest.mark.parametrize("name", sorted(EXPORTED))
def test_every_term_exports_to_a_samples_code_and_every_samples_code_is_reachable(name: str) -> None:
    allowed = readme_codes()[EXPORTED[name]]
    vocabulary = load_vocabulary(name)
    for term in vocabulary.terms:
        assert term.export_code in allowed, f"{name}:{term.code} exports {term.export_code!r}"
    assert allowed <= vocabulary.export_codes()


def test_finer_act_types_inherit_or_override_the_coarse_code() -> None:
    acts = load_vocabulary("act_types")
    assert acts.get("staged_date").export_code == "entrapment"
    assert acts.get("compromised_account").parent == "entrapment"
    assert acts.get("outing_threat").parent == "threats_or_intimidation"
    assert acts.get("outing_threat").export_code == "outing_or_threat_of_outing"
    assert acts.get("incommunicado_detention").parent == "deprivation_of_liberty"
    assert acts.get("forced_phone_unlock").export_code == "coerced_device_search"
    assert acts.get("electric_shock").export_code == "beating_or_torture"
    assert {t.code for t in acts.children("denial_of_contact")} >= {"denial_of_counsel", "denial_of_notification"}
    assert [t.code for t in acts.ancestors("electric_shock")] == ["torture", "physical_violence"]


def test_custody_facts_have_yes_and_no_answers() -> None:
    facts = load_vocabulary("custody_facts")
    for fact in (
        "capture_acknowledged",
        "location_disclosed",
        "family_contact_allowed",
        "lawyer_contact_allowed",
        "consulate_contact_allowed",
    ):
        assert facts.get(fact).parent is None
        assert facts.get(f"{fact}_yes").property("value") is True
        assert facts.get(f"{fact}_no").property("value") is False


def test_source_types_carry_a_default_hand() -> None:
    sources = load_vocabulary("source_types")
    assert {
        "victim",
        "relative",
        "witness",
        "lawyer",
        "media",
        "telegram_channel",
        "ngo",
        "court_record",
        "official_statement",
        "social_media",
    } <= set(sources.codes())
    assert all(t.property("default_hand") in ("first", "second") for t in sources.terms)
    assert sources.get("victim").property("default_hand") == "first"


def test_facility_types_include_the_russian_places_of_detention() -> None:
    facilities = load_vocabulary("facility_types")
    assert {
        "police_station",
        "temporary_holding_cell",
        "special_detention_centre",
        "pretrial_prison",
        "foreigners_institution",
        "court",
        "unofficial_prison",
    } <= set(facilities.codes())


def test_levels_and_grades_are_complete() -> None:
    assert load_vocabulary("verification_levels").codes() == ("V0", "V1", "V2", "V3")
    grades = load_vocabulary("reliability_grades")
    assert [t.code for t in grades.children("source_reliability")] == list("ABCDEF")
    assert [t.code for t in grades.children("information_credibility")] == list("123456")


def test_an_unknown_code_names_the_allowed_ones() -> None:
    with pytest.raises(KeyError, match="beating"):
        load_vocabulary("act_types").get("flogging")


def test_labels_come_in_both_languages() -> None:
    acts = load_vocabulary("act_types")
    assert acts.label("entrapment", "en") == "Entrapment"
    assert acts.label("entrapment", "ru").startswith("Провокация")


def _parsed(extra: str) -> Vocabulary:
    text = 'version = "1"\nsource = "test"\n' + extra
    return _parse("test", tomllib.loads(text))


def test_a_documenter_editing_a_file_gets_a_clear_error_for_a_missing_parent() -> None:
    with pytest.raises(VocabularyError, match="parent 'nowhere' does not exist"):
        _parsed('[[term]]\ncode = "a"\nparent = "nowhere"\nlabel_en = "A"\nlabel_ru = "А"\n')


def test_a_documenter_editing_a_file_gets_a_clear_error_for_a_duplicate_code() -> None:
    term = '[[term]]\ncode = "a"\nlabel_en = "A"\nlabel_ru = "А"\n'
    with pytest.raises(VocabularyError, match="duplicate"):
        _parsed(term + term)


def test_a_documenter_editing_a_file_gets_a_clear_error_for_a_missing_label() -> None:
    with pytest.raises(VocabularyError, match="label_ru"):
        _parsed('[[term]]\ncode = "a"\nlabel_en = "A"\n')


def test_a_regex_habit_in_a_trigger_is_refused_with_the_phrase_named() -> None:
    with pytest.raises(TriggerSyntaxError, match=r"organi\[sz\]"):
        compile_phrases(("organi[sz]ation",))


def test_every_data_file_has_version_and_source() -> None:
    for path in DATA_DIR.glob("*.toml"):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        assert data.get("version") and data.get("source"), path.name
