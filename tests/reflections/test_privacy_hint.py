"""The privacy hint: what looks like a pupil's personal data, and what does not."""

import datetime

import pytest

from reflections.privacy_hint import (
    ADDRESS,
    BIRTH_DATE,
    BSN,
    EMAIL,
    NAME,
    PHONE,
    Finding,
    find_personal_data,
    is_valid_bsn,
)

TODAY = datetime.date(2026, 11, 23)


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_data(text, today=TODAY)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Vandaag hielp ik leerling Sam met rekenen.", "Sam"),
        ("Leerling Fatima was stil in de kring.", "Fatima"),
        ("Het meisje, genaamd Noor, wilde niet meedoen.", "Noor"),
        ("Een jongen Daan-Jan liep weg.", "Daan-Jan"),
        ("Ik sprak het kind Mohammed aan.", "Mohammed"),
        ("Het jongetje heet Ömer.", "Ömer"),
        ("The pupil Emma asked for help.", "Emma"),
        ("Toen zei de kleuter: Lotte wil niet.", "Lotte"),
    ],
)
def test_a_name_after_a_word_for_a_child_is_found(text: str, name: str) -> None:
    assert (NAME, name) in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "Leerling A werkte goed mee.",
        "Ik sprak met een leerling. Daarna gingen we naar buiten.",
        "De kinderen De Regenboog-school kwamen ook.",  # 'De' is not a name
        "Het kind Ik-boodschappen gebruiken.",
        "Er waren 120 kinderen in groep 5.",
        "De leerling uit groep 6 en zijn moeder.",
        "Een meisje van tien jaar vertelde over thuis.",
        "Sam, de buurtwerker, hielp mij.",  # a name, but not after a word for a child
        "Met de leerlingen Samen lezen gedaan.",
    ],
)
def test_anonymised_texts_raise_no_name(text: str) -> None:
    assert NAME not in [kind for kind, _ in kinds(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Daan (geb. 12-03-2016) zit in groep 6.",
        "geboren op 3 mei 2015",
        "Geboortedatum: 01/02/2017",
        "Zijn verjaardag is 5-6-2018.",
        "Zij is van 14-07-2015.",  # a child's year of birth even without a birth word
    ],
)
def test_dates_of_birth_are_found(text: str) -> None:
    assert BIRTH_DATE in [kind for kind, _ in kinds(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Op 12-03-2026 had ik een gesprek met de intern begeleider.",
        "Sessie van 3 november 2025 over ouderbetrokkenheid.",
        "Om 10:30 uur, 15 minuten lang.",
        "In 2015 is de school verbouwd.",
        "Tussen 1-9 en 30-6 loopt mijn stage.",
    ],
)
def test_dates_of_lessons_are_not_dates_of_birth(text: str) -> None:
    assert BIRTH_DATE not in [kind for kind, _ in kinds(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Bel moeder op 06-12345678.",
        "Tel: 0612345678",
        "Tel: +31 6 1234 5678",
        "Tel: 0031612345678",
        "De school: 030 123 4567",
        "Zijn vader: 010-1234567",
    ],
)
def test_dutch_phone_numbers_are_found(text: str) -> None:
    assert PHONE in [kind for kind, _ in kinds(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Groep 5 had 28 leerlingen en 3 begeleiders.",
        "Ik werkte 12 uur, van 8.30 tot 16.00.",
        "Het lokaal is nummer 012.",
        "Leerjaar 2026-2027",
    ],
)
def test_numbers_that_are_not_phone_numbers(text: str) -> None:
    assert PHONE not in [kind for kind, _ in kinds(text)]


def test_email_addresses_are_found() -> None:
    assert (EMAIL, "ouders.jansen@gmail.com") in kinds("Mail: ouders.jansen@gmail.com.")
    assert EMAIL not in [kind for kind, _ in kinds("Ik mail de school @ maandag.")]


@pytest.mark.parametrize(
    "text",
    ["Hij woont op 3511 AB 12.", "Adres: Kerkstraat 12, 3511 AB Utrecht", "1234AB 7a"],
)
def test_a_postcode_with_a_house_number_is_found(text: str) -> None:
    assert ADDRESS in [kind for kind, _ in kinds(text)]


@pytest.mark.parametrize(
    "text",
    [
        "De school staat in 3511 AB Utrecht.",  # a postcode alone is not a home address
        "Groep 5 AB heeft 12 leerlingen.",
        "In 2026 HB stage gelopen.",
    ],
)
def test_a_postcode_without_house_number_is_not_an_address(text: str) -> None:
    assert ADDRESS not in [kind for kind, _ in kinds(text)]


@pytest.mark.parametrize("number", ["123456782", "111222333", "999999990"])
def test_valid_citizen_service_numbers(number: str) -> None:
    assert is_valid_bsn(number)
    assert (BSN, number) in kinds(f"BSN {number}")


@pytest.mark.parametrize(
    "number", ["123456789", "111222334", "000000000", "12345678", "1234567890"]
)
def test_invalid_citizen_service_numbers_are_not_flagged(number: str) -> None:
    assert not is_valid_bsn(number)
    assert BSN not in [kind for kind, _ in kinds(f"Nummer {number} in de lijst")]


def test_a_bsn_written_with_dots_or_spaces_is_found() -> None:
    assert BSN in [kind for kind, _ in kinds("bsn 1234.56.782")]
    assert BSN in [kind for kind, _ in kinds("bsn 123 456 782")]


def test_an_anonymised_reflection_raises_nothing() -> None:
    text = (
        "Vandaag werkte ik met leerling A uit groep 6 en de buurtwerker van het buurtteam. "
        "Op 12-11-2026 bespraken we samen hoe we de ouders betrekken. Ik merkte dat de "
        "buurtwerker anders kijkt naar thuis dan ik als leerkracht. Dat was leerzaam."
    )
    assert find_personal_data(text, today=TODAY) == []


def test_each_finding_is_reported_once_with_a_label() -> None:
    findings = find_personal_data("leerling Sam, leerling Sam", today=TODAY)

    assert findings == [Finding(NAME, "Sam")]
    assert findings[0].label


def test_empty_text() -> None:
    assert find_personal_data("") == []
