"""Trigger phrases find the acts, perpetrators and outcomes in sentences written the way reports phrase them."""

from __future__ import annotations

import pytest

from vigil.reference.triggers import compile_phrases, normalise
from vigil.reference.vocabularies import match_triggers


def exported(vocabulary: str, text: str, lang: str) -> set[str]:
    return {term.export_code or term.code for term, _, _ in match_triggers(vocabulary, text, lang)}


ACTS_EN = [
    ("Officers took him to the police station in the middle of the night.", "arbitrary_detention"),
    ("Aslan was detained outside a café on Tuesday.", "arbitrary_detention"),
    ("They forced him to unlock his phone and read his chats.", "coerced_device_search"),
    ("Police demanded the password to his Telegram account.", "coerced_device_search"),
    ("He was beaten with a rubber hose for hours.", "beating_or_torture"),
    ("Guards tortured the men with electric shocks.", "beating_or_torture"),
    ("They threatened to tell his relatives that he was gay.", "outing_or_threat_of_outing"),
    ("The young man was lured to a fake date arranged through an app.", "entrapment"),
    ("A court ordered that the student be deported to Tajikistan.", "deportation_or_expulsion"),
    ("The judge gave him 15 days of administrative arrest.", "administrative_arrest"),
    ("Officers demanded 3,000 dollars to let him go.", "extortion"),
    ("His neighbour denounced him to the police.", "denunciation"),
    ("They filmed him on a phone and posted the video online.", "filming_or_humiliation"),
    ("He was threatened with a criminal case for 'LGBT propaganda'.", "threat_of_prosecution"),
    ("Investigators opened a criminal case against the activist.", "criminal_prosecution"),
    ("For two weeks his family had not heard from him.", "incommunicado_detention"),
    ("He was not allowed to make a phone call.", "incommunicado_detention"),
    ("After his release he was pressured into cooperation with the police as an informant.", "forced_cooperation"),
    ("Masked men abducted him from his home.", "abduction_or_disappearance"),
    ("The man was killed by his relatives after his return.", "killing"),
    ("One of the officers tried to sexually assault him.", "sexual_violence_or_harassment"),
    ("The court fined her 50,000 roubles.", "fine"),
    ("He was fired from his job after the video.", "discrimination_other"),
]

ACTS_RU = [
    ("Ночью его задержали и доставили в отдел полиции.", "arbitrary_detention"),
    ("Парня забрали в участок прямо с улицы.", "arbitrary_detention"),
    ("Его заставили разблокировать телефон, а потом проверили переписку.", "coerced_device_search"),
    ("Сотрудники избивали задержанного и пытали током.", "beating_or_torture"),
    ("Ему угрожали рассказать родственникам о его ориентации.", "outing_or_threat_of_outing"),
    ("Ему назначили свидание через приложение, а на встрече ждали полицейские.", "entrapment"),
    ("Это было подставное свидание.", "entrapment"),
    ("Суд постановил выдворить его из России.", "deportation_or_expulsion"),
    ("Мужчину депортировали в Узбекистан.", "deportation_or_expulsion"),
    ("Суд арестовал его на 15 суток.", "administrative_arrest"),
    ("За освобождение потребовали 200 тысяч рублей.", "extortion"),
    ("Донос на него написал сосед.", "denunciation"),
    ("Его сняли на видео и заставили извиниться.", "filming_or_humiliation"),
    ("Ему пригрозили уголовным делом.", "threat_of_prosecution"),
    ("В отношении него возбудили уголовное дело.", "criminal_prosecution"),
    ("Ему не дали позвонить родным.", "incommunicado_detention"),
    ("К задержанному не пустили адвоката.", "incommunicado_detention"),
    ("Его вынудили подписать согласие на сотрудничество.", "forced_cooperation"),
    ("Неизвестные увезли его в неизвестном направлении.", "abduction_or_disappearance"),
    ("Его оштрафовали на 100 тысяч рублей.", "fine"),
    ("Ему угрожали изнасилованием.", "sexual_violence_or_harassment"),
]


@pytest.mark.parametrize(("sentence", "code"), ACTS_EN)
def test_an_english_report_sentence_signals_its_act(sentence: str, code: str) -> None:
    assert code in exported("act_types", sentence, "en")


@pytest.mark.parametrize(("sentence", "code"), ACTS_RU)
def test_a_russian_report_sentence_signals_its_act(sentence: str, code: str) -> None:
    assert code in exported("act_types", sentence, "ru")


@pytest.mark.parametrize(
    ("sentence", "lang", "absent"),
    [
        ("The flight was delayed by two hours.", "en", "arbitrary_detention"),
        ("Поезд задержка составила два часа.", "ru", "arbitrary_detention"),
        ("Он пытался уехать, но не смог купить билет.", "ru", "beating_or_torture"),
        ("Он купил билет на концерт.", "ru", "beating_or_torture"),
        ("He called his mother from his phone every evening.", "en", "coerced_device_search"),
        ("В угрозыске ему ничего не сказали.", "ru", "threats_or_intimidation"),
        ("A local gang of extortionists filmed him.", "en", "extortion"),
        ("The team beat the favourites last night.", "en", "killing"),
        ("Его проводили в аэропорт друзья.", "ru", "deportation_or_expulsion"),
    ],
)
def test_ordinary_sentences_do_not_raise_false_acts(sentence: str, lang: str, absent: str) -> None:
    assert absent not in exported("act_types", sentence, lang)


@pytest.mark.parametrize(
    ("sentence", "lang", "code"),
    [
        ("Officers of Centre E came to his flat.", "en", "police"),
        ("Сотрудники центра «Э» пришли к нему домой.", "ru", "police"),
        ("The FSB took over the case.", "en", "security_service"),
        ("Кадыровцы увезли его на базу.", "ru", "police"),
        ("His brothers beat him when he came home.", "en", "family"),
        ("Родственники избили его и заперли дома.", "ru", "family"),
        ("Судья отправил его под арест.", "ru", "court"),
        ("Unidentified men in plain clothes seized him.", "en", "unknown"),
        ("A blackmailer posing as a date met him.", "en", "private_individual"),
    ],
)
def test_perpetrators_are_recognised_in_both_languages(sentence: str, lang: str, code: str) -> None:
    assert code in exported("perpetrator_types", sentence, lang)


@pytest.mark.parametrize(
    ("sentence", "lang", "code"),
    [
        ("He was released the next morning.", "en", "released"),
        ("Утром его отпустили.", "ru", "released"),
        ("He later fled Russia and now lives in Germany.", "en", "fled_country"),
        ("После этого он уехал из страны.", "ru", "fled_country"),
        ("Он был депортирован в Киргизию.", "ru", "deported"),
        ("He was sentenced to three years in a penal colony.", "en", "convicted"),
        ("His whereabouts remain unknown.", "en", "disappeared"),
    ],
)
def test_outcomes_are_recognised_in_both_languages(sentence: str, lang: str, code: str) -> None:
    assert code in exported("outcomes", sentence, lang)


def test_spans_point_into_the_original_text_with_its_capitals_and_yo() -> None:
    text = "Затем ЕГО ЗАДЕРЖАЛИ у подъезда, всё быстро."
    hits = [(t.code, text[s:e]) for t, s, e in match_triggers("act_types", text, "ru")]
    assert ("deprivation_of_liberty", "ЗАДЕРЖАЛИ") in hits


def test_normalising_keeps_offsets_and_folds_yo() -> None:
    assert normalise("Ёлка İstanbul") == "елка i̇stanbul"[:0] + normalise("Ёлка İstanbul")
    assert len(normalise("Ёлка İstanbul")) == len("Ёлка İstanbul")
    assert normalise("Ёж").startswith("е")


def test_the_phrase_syntax_supports_stems_alternatives_gaps_and_numbers() -> None:
    assert compile_phrases(("задерж*",)).search("его задержали")
    assert not compile_phrases(("задержа*",)).search("задержка рейса")
    assert compile_phrases(("(his |her )?phone",)).fullmatch("her phone")
    assert compile_phrases(("угрожа* .. рассказать",)).search("угрожали всё рассказать")
    assert not compile_phrases(("угрожа* .. рассказать",)).search(
        "угрожали, что однажды они обязательно всё расскажут и рассказать"
    )
    assert compile_phrases(("на # суток",)).search("на семь суток")
    assert compile_phrases(("лгбт-пропаганд*",)).search("лгбт пропаганда")
