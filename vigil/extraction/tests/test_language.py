from vigil.extraction.language import detect_language


def test_russian_and_english_reports_are_recognised() -> None:
    assert detect_language("Мужчину задержали в Грозном и избили в отделе полиции, сообщили правозащитники.") == "ru"
    assert detect_language("The man was detained in Grozny and beaten at the police station, activists said.") == "en"


def test_a_third_language_is_other() -> None:
    assert (
        detect_language("Der Mann wurde gestern in Berlin von der Polizei festgenommen und die Frau auch.") == "other"
    )
    assert detect_language("Чоловіка затримали вчора в Києві, і він був побитий поліцією, його відпустили.") == "other"
    assert detect_language("这名男子昨天在北京被警方拘留") == "other"
