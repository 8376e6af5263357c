from vigil.extraction.sources import find_sources


def names(text: str, publisher: str | None = None) -> list[str]:
    return [m.name for m in find_sources(text, publisher)]


def test_a_telegram_channel_with_a_comma_in_its_name_is_cited_whole() -> None:
    assert names("The man spoke to the Telegram channel Ostorozhno, Novosti about the arrest.") == [
        "Ostorozhno, Novosti"
    ]


def test_russian_case_forms_find_the_english_name() -> None:
    assert names("Об этом сообщает «Новая газета», ролик обнародован «Новой газетой».") == ["Novaya Gazeta"]
    assert names("По данным Российской ЛГБТ-сети, его избили.") == ["Russian LGBT Network"]


def test_according_to_a_person_is_not_a_source() -> None:
    assert names("According to Murad, officers hit him. According to SK SOS, he fled.") == ["SK SOS"]


def test_the_publisher_of_the_report_is_not_a_cited_source() -> None:
    assert names("SK SOS told The Moscow Times.", "https://www.themoscowtimes.com/2024/01/17/x") == ["SK SOS"]


def test_an_outlet_referring_to_itself_is_not_a_cited_source() -> None:
    assert names("Как выяснил «Холод», донос написал сосед. «Холод» поговорил с ним.") == []


def test_ordinary_words_that_are_also_group_names_need_quotes() -> None:
    assert names("Выход из здания перекрыли.") == []
    assert names("Проект «Выход» сообщил о задержании.") == ["Vykhod"]


def test_an_unknown_outlet_is_taken_as_written_in_latin_letters() -> None:
    assert names("Об этом рассказал телеграм-канал «Бумага».") == ["Bumaga"]
    assert names("Проект Safe Exit опубликовал отчёт.") == ["Safe Exit"]


def test_a_group_introduced_as_such_is_cited_when_the_report_credits_it() -> None:
    text = "She lived under the protection of the Exit Path crisis group. On 9 September, Exit Path said, police came."
    assert names(text) == ["Exit Path"]
    assert names("Activists at Kok.team, a Kazakh LGBT+ media project, say fake dates are common.") == ["Kok.team"]
    assert names("He was taken back to the North Caucasus, a Russian LGBT rights group said.") == []
    assert names("A lawyer asked the Investigative Committee to check, she said.") == []


def test_an_outlet_quoting_its_own_interview_is_not_a_cited_source() -> None:
    assert names("Almaz told IWPR that he paid. He later told SK SOS everything.") == ["SK SOS"]
    assert names("Задержанный рассказал «Медиазоне», что его били.") == []
