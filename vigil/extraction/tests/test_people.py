from vigil.extraction.people import find_ages, find_citizenship, find_counts


def ages(text: str) -> list[tuple[int, str | None]]:
    return [(a.age, a.name) for a in find_ages(text)]


def test_victim_ages_are_found_in_both_languages() -> None:
    assert ages("a queer 28-year-old citizen of Kazakhstan") == [(28, None)]
    assert ages("21-летний Хаоян познакомился с 24-летним Гелой") == [(21, "Хаоян"), (24, "Гелой")]
    assert ages("Police detained Ali, 25, and Omar, 31.") == [(25, "Ali"), (31, "Omar")]
    assert ages("Задержан Ислам, 28 лет, житель Назрани.") == [(28, "Ислам")]


def test_ages_of_other_people_and_things_are_not_victim_ages() -> None:
    assert ages("донос написал 43-летний сторож храма") == []
    assert ages("a three-year-old message exchange; a 50-year-old officer") == []


def test_the_name_after_an_age_skips_the_place_of_residence() -> None:
    assert ages("задержали 23-летнего жителя Дербента Ахмеда") == [(23, "Ахмеда")]


def test_citizenship_is_a_country_named_for_a_person() -> None:
    found = [c.country for c in find_citizenship("a citizen of Kazakhstan; a Kazakh citizen; китаец Сюй Хаоян")]
    assert found == ["Kazakhstan", "Kazakhstan", "China"]
    assert find_citizenship("Kazakh representatives and a gay Chechen man; Russian police") == []


def test_group_sizes_are_counted_in_words_and_digits() -> None:
    assert [c.count for c in find_counts("задержали двух геев и 12 men")] == [2, 12]
    assert find_counts("в Пятигорске задержали активиста") == []


def test_an_age_in_brackets_after_a_name_is_found() -> None:
    assert ages("Police detained Ruslan (28) and Ислам (20 лет).") == [(28, "Ruslan"), (20, "Ислам")]


def test_ages_listed_together_belong_to_one_group() -> None:
    found = find_ages("Two men, aged 25 and 29, were taken to the station.")
    assert [(a.age, a.joint) for a in found] == [(25, True), (29, True)]
    assert [a.age for a in find_ages("Двое мужчин, 27 и 31 года, пришли на встречу.")] == [27, 31]
    assert find_ages("Их приговорили к 10 и 12 годам, на 10 и 12 лет.") == []
