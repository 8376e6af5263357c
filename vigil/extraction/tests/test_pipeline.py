"""Behaviour of the whole pipeline on short reports written for these tests."""

import time
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.extraction.pipeline import extract_report

GOLD_FIELDS = {
    "city",
    "region",
    "country",
    "date_start",
    "victims",
    "victim_ages",
    "victim_citizenship",
    "acts",
    "perpetrators",
    "legal_articles",
    "detention_days",
    "outcome",
}


def incidents(text: str, reference: date | None = None, **kwargs: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = extract_report(text, reference, **kwargs).as_dict()["incidents"]
    return result


def test_every_incident_has_the_gold_fields_and_evidence_for_them() -> None:
    [incident] = incidents("Police in Grozny detained and beat a 22-year-old man on 3 March 2024.")
    assert set(incident) >= GOLD_FIELDS
    assert incident["city"] == "Grozny" and incident["region"] == "Chechnya" and incident["country"] == "Russia"
    assert incident["evidence"]["city"][0]["text"] == "Grozny"
    assert 0 < incident["confidence"] <= 1


def test_a_relative_date_resolves_against_the_message_date() -> None:
    [incident] = incidents("Вчера в Нальчике полицейские задержали 25-летнего мужчину.", date(2024, 5, 10))
    assert incident["date_start"] == "2024-05-09"
    assert incident["victim_ages"] == [25]
    assert incident["city"] == "Nalchik"


def test_a_term_of_arrest_is_detention_days_not_a_date() -> None:
    [incident] = incidents("Суд арестовал задержанного в Казани мужчину на 15 суток.", date(2024, 5, 10))
    assert incident["detention_days"] == 15
    assert incident["date_start"] is None


def test_a_threat_of_prosecution_is_not_a_prosecution() -> None:
    [incident] = incidents("Officers detained him and threatened to open a criminal case against him.")
    assert "threat_of_prosecution" in incident["acts"]
    assert "criminal_prosecution" not in incident["acts"]


def test_a_negated_or_hypothetical_act_is_not_recorded() -> None:
    [incident] = incidents("He was detained in Nazran but was not beaten. He left to avoid being tortured.")
    assert incident["acts"] == ["arbitrary_detention"]


def test_articles_are_found_by_number_and_by_description() -> None:
    [incident] = incidents(
        "Его задержали в Москве и составили протокол по ч. 1 ст. 19.3 КоАП РФ, а затем обвинили в ЛГБТ-пропаганде."
    )
    assert incident["legal_articles"] == ["KoAP 19.3", "KoAP 6.21"]
    [english] = incidents(
        "He was arrested in Kazan under part 1 of Article 6.21 of the Code of Administrative Offences "
        "and charged with disobeying the lawful order of a police officer."
    )
    assert set(english["legal_articles"]) == {"KoAP 6.21", "KoAP 19.3"}


def test_citizenship_comes_from_citizen_of_and_from_a_demonym_before_a_name() -> None:
    [incident] = incidents("A citizen of Uzbekistan was detained in Moscow and deported.")
    assert incident["victim_citizenship"] == ["Uzbekistan"]
    assert "deportation_or_expulsion" in incident["acts"] and incident["outcome"] == ["deported"]


def test_two_victims_with_their_own_fates_are_two_incidents() -> None:
    found = incidents(
        "10 мая 2024 года в Махачкале полицейские задержали 23-летнего Ахмеда и 30-летнего Руслана. "
        "Ахмеда отпустили, а Руслана суд арестовал на 10 суток.",
        date(2024, 5, 20),
    )
    assert sorted(i["victim_ages"][0] for i in found) == [23, 30]
    by_age = {i["victim_ages"][0]: i for i in found}
    assert by_age[23]["outcome"] == ["released"] and by_age[23]["detention_days"] is None
    assert by_age[30]["detention_days"] == 10 and "administrative_arrest" in by_age[30]["acts"]
    assert all(i["city"] == "Makhachkala" and i["date_start"] == "2024-05-10" for i in found)


def test_a_dated_pattern_of_round_ups_is_its_own_incident_without_a_victim_count() -> None:
    found = incidents(
        "Police in Makhachkala detained Ali, a 30-year-old man, in March 2025. Ali was beaten.\n"
        "Ali was released a week later.\n"
        "Round-ups of gay men began in Dagestan in May 2024, when police detained and beat dozens of men "
        "and threatened them with criminal charges.",
        date(2025, 4, 1),
    )
    assert [i["victims"] for i in found] == [1, None]
    assert found[1]["date_start"] == "2024-05" and "threat_of_prosecution" in found[1]["acts"]


def test_a_report_without_acts_has_no_incident() -> None:
    assert incidents("The State Duma passed a law in July 2023. Lawmakers praised it.") == []


def test_sources_keep_the_gold_names_and_drop_the_publisher() -> None:
    result = extract_report(
        "The man was detained in Grozny, SK SOS told The Moscow Times.",
        publisher="https://www.themoscowtimes.com/2024/01/17/article",
    ).as_dict()
    assert result["sources_cited"] == ["SK SOS"]


def test_a_third_language_is_skipped_with_a_clear_message() -> None:
    result = extract_report("Der Mann wurde gestern in Berlin von der Polizei festgenommen und die Frau auch.")
    assert result.skipped and "not in Russian or English" in result.skipped
    assert result.incidents == []


def test_a_huge_text_is_cut_with_a_warning_and_still_processed() -> None:
    filler = "The weather in the city was calm and the streets were quiet that day. " * 4000
    started = time.monotonic()
    result = extract_report("Police detained a man in Grozny. " + filler)
    assert time.monotonic() - started < 15
    assert result.warnings and "cut" in result.warnings[0]
    assert len(result.incidents) == 1


def test_another_victim_in_a_later_paragraph_is_a_separate_incident() -> None:
    found = incidents(
        "В ночь на 15 января в Назрани силовики похитили 20-летнего Ислама. Ислама избили.\n"
        "Это уже второй случай: в декабре в Магасе был задержан 19-летний студент, которого затем отпустили.",
        date(2024, 2, 1),
    )
    assert [(i["date_start"], i["victim_ages"]) for i in found] == [("2024-01-15", [20]), ("2023-12", [19])]
    assert found[1]["city"] == "Magas" and found[1]["outcome"] == ["released"]


def test_an_administrative_charge_is_not_a_criminal_case() -> None:
    [incident] = incidents(
        "Police detained Denis in Krasnodar. He was charged under Part 1 of Article 6.21 "
        "of the Code of Administrative Offences and fined 50,000 rubles."
    )
    assert "criminal_prosecution" not in incident["acts"] and "criminal_case_opened" not in incident["outcome"]
    assert incident["legal_articles"] == ["KoAP 6.21"] and "fined" in incident["outcome"]


def test_the_month_may_does_not_make_an_act_hypothetical() -> None:
    [incident] = incidents("Police in Grozny detained a 24-year-old man in May 2024 and beat him, SK SOS said.")
    assert incident["acts"] == ["arbitrary_detention", "beating_or_torture"]
    assert incident["date_start"] == "2024-05"


def test_a_named_lawyer_is_not_taken_for_the_victim() -> None:
    [incident] = incidents(
        "Police in Grozny detained a 24-year-old man and beat him, said Olga Baranova, a lawyer with SK SOS.\n"
        "Baranova said the man was held for ten days. Baranova added that he was released and fled Russia."
    )
    assert incident["victim_ages"] == [24] and incident["detention_days"] == 10
    assert incident["outcome"] == ["released", "fled_country"]


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=400), st.sampled_from(["ru", "en"]))
def test_the_pipeline_never_crashes_on_arbitrary_text(text: str, lang: str) -> None:
    result = extract_report(text, date(2024, 1, 1), lang).as_dict()
    assert isinstance(result["incidents"], list)


def test_a_ban_dated_before_its_verb_is_not_the_event_date() -> None:
    text = (
        "Гарипова задержали в ночь на 23 ноября во время облавы в клубе в Казани. Его обвиняют по делу "
        "«международного движения ЛГБТ», которое Верховный суд в 2023 году признал экстремистским."
    )
    result = extract_report(text, reference_date=date(2025, 11, 28), lang="ru").as_dict()
    assert [i["date_start"] for i in result["incidents"]] == ["2025-11-23"]


def test_a_pair_told_apart_by_age_gives_one_incident_each() -> None:
    text = (
        "Police in Nalchik detained two young men, a 20-year-old student and his 22-year-old flatmate, on 3 March. "
        "Officers beat them at the district police department.\n\n"
        "The 20-year-old was released the next morning."
    )
    found = incidents(text, date(2025, 3, 20))
    assert sorted(i["victim_ages"][0] for i in found) == [20, 22]
    assert all(i["victims"] == 1 and "beating_or_torture" in i["acts"] for i in found)


def test_a_group_whose_ages_are_listed_together_stays_one_incident() -> None:
    text = "On 14 February police in Bishkek detained two men, aged 25 and 29, at a party and beat them."
    (found,) = incidents(text, date(2025, 3, 1))
    assert found["victims"] == 2
    assert sorted(found["victim_ages"]) == [25, 29]


def test_a_body_handed_to_the_family_is_no_release() -> None:
    text = (
        "A 20-year-old man was detained by police in Gudermes on 2 October. "
        "The body of the young man was handed over to his family two weeks later."
    )
    (found,) = incidents(text, date(2025, 10, 30))
    assert "killed" in found["outcome"] and "released" not in found["outcome"]
