"""UK identifiers and contact details: valid ones found with and without spaces; those whose
check fails, or that follow a label, proposed as suspicions."""

from __future__ import annotations

import pytest

from redaction import find_patterns
from redaction.patterns import (
    cro_check_letter,
    nhs_number_is_valid,
    nino_is_valid,
    pnc_check_letter,
)


def kinds(text: str, **kwargs: object) -> list[tuple[str, str]]:
    return [(p.kind, p.text) for p in find_patterns(text, **kwargs)]  # type: ignore[arg-type]


@pytest.mark.parametrize("number", ["943 476 5919", "943-476-5919", "9434765919", "401 023 2137"])
def test_a_valid_nhs_number_is_found_however_it_is_spaced(number: str) -> None:
    assert kinds(f"NHS number {number} on file.") == [("nhs_number", number)]


@pytest.mark.parametrize("number", ["943 476 5918", "9434765910", "401 023 2138"])
def test_an_nhs_number_with_a_wrong_check_digit_is_proposed_as_a_suspicion(number: str) -> None:
    # A typo still identifies the person: proposed, saying why it is only a suspicion.
    (found,) = find_patterns(f"Reference {number} on file.")
    assert (found.kind, found.text, found.certain) == ("nhs_number", number, False)
    assert found.reason == "Shaped like an NHS number, check digit does not match"


def test_the_nhs_check_digit_rules() -> None:
    assert nhs_number_is_valid("9434765919")
    assert not nhs_number_is_valid("9434765918")
    # Remainder 1 gives check digit 10, which no NHS number has.
    assert not nhs_number_is_valid("1000000011")
    assert not nhs_number_is_valid("94347659")


@pytest.mark.parametrize("nino", ["JG 10 37 59 A", "JG103759A", "AB 12 34 56 C", "ce123456d"])
def test_a_national_insurance_number_is_found(nino: str) -> None:
    assert kinds(f"NI number {nino}.") == [("national_insurance_number", nino)]


@pytest.mark.parametrize(
    "nino", ["DA123456A", "QQ123456C", "BG123456A", "GB123456A", "AO123456A", "JG123456E"]
)
def test_a_national_insurance_number_never_issued_is_still_proposed_after_its_label(
    nino: str,
) -> None:
    assert not nino_is_valid(nino)
    (found,) = find_patterns(f"NI number {nino}.")
    assert (found.kind, found.text, found.certain) == ("national_insurance_number", nino, False)
    assert "National Insurance number" in found.reason


def test_a_pnc_id_with_a_wrong_check_letter_is_proposed_as_a_suspicion() -> None:
    good = f"12/345678{pnc_check_letter('12', '345678')}"
    full = f"2012/0345678{pnc_check_letter('2012', '0345678')}"
    assert good == "12/345678U"
    wrong = "12/345678A"
    found = find_patterns(f"Seen {good}, {full} and {wrong}.")
    assert [(p.kind, p.text, p.certain) for p in found] == [
        ("pnc_id", good, True),
        ("pnc_id", full, True),
        ("pnc_id", wrong, False),
    ]
    assert found[2].reason == "Shaped like a PNC ID, check letter does not match"


def test_a_cro_number_with_a_wrong_check_letter_is_proposed_as_a_suspicion() -> None:
    good = f"123456/08{cro_check_letter('123456', '08')}"
    short = f"SF95/12345{cro_check_letter('12345', '95', short_form=True)}"
    found = find_patterns(f"Seen {good}, {short} and 123456/08A.")
    assert [(p.kind, p.text, p.certain) for p in found] == [
        ("cro_number", good, True),
        ("cro_number", short, True),
        ("cro_number", "123456/08A", False),
    ]
    assert found[2].reason == "Shaped like a CRO number, check letter does not match"


def test_case_references_default_and_configured() -> None:
    text = "Review SFO/2026/0142 and SFO-DEMO-0142, not the SFO process; local ref KX-99-1."
    assert kinds(text) == [
        ("case_reference", "SFO/2026/0142"),
        ("case_reference", "SFO-DEMO-0142"),
    ]
    assert kinds(text, case_reference_patterns=[r"\bKX-\d+-\d+\b"]) == [
        ("case_reference", "KX-99-1")
    ]


def test_probation_and_prison_numbers() -> None:
    assert kinds("CRN X123456, prison number A1234BC.") == [
        ("crn", "X123456"),
        ("prison_number", "A1234BC"),
    ]


@pytest.mark.parametrize("postcode", ["M1 1AE", "M11AE", "SW1A 1AA", "EC1A 1BB", "b33 8th"])
def test_a_postcode_is_found_with_or_without_its_space(postcode: str) -> None:
    assert kinds(f"Postcode {postcode} noted.") == [("postcode", postcode)]


@pytest.mark.parametrize("text", ["Room Q1 1AA", "code V1 1AA", "ward 12 3AB", "M1 1CI"])
def test_a_postcode_shape_with_letters_never_used_is_left(text: str) -> None:
    assert kinds(text) == []


def test_an_address_takes_its_town_and_postcode_lines() -> None:
    text = "He lived at Flat 2, 14 Acacia Avenue,\nStockport\nSK4 2AB until March."
    assert kinds(text) == [("address", "Flat 2, 14 Acacia Avenue,\nStockport\nSK4 2AB")]


def test_an_address_on_one_line() -> None:
    text = "Seen at 7 Hope Street, Manchester, M1 1AE. Then he left."
    assert kinds(text) == [("address", "7 Hope Street, Manchester, M1 1AE")]


def test_a_street_named_without_a_number() -> None:
    assert kinds("He moved to Lower Hill Road in 2024.") == [("street", "Lower Hill Road")]


def test_a_number_and_an_ordinary_phrase_is_not_an_address() -> None:
    assert kinds("There were 3 missed appointments and 2 home visits.") == []


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+447700900123",
        "0161 496 0000",
        "(020) 7946 0018",
        "+44 (0)20 7946 0018",
        "020-7946-0018",
    ],
)
def test_a_uk_phone_number_is_found(phone: str) -> None:
    assert kinds(f"Call {phone} today.") == [("phone", phone)]


def test_an_email_address_is_found() -> None:
    assert kinds("Write to john.o'neil+sfo@probation.example.gov.uk now.") == [
        ("email", "john.o'neil+sfo@probation.example.gov.uk")
    ]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("born 12/03/1985 in Leeds", "12/03/1985"),
        ("DOB: 3rd March 1985", "3rd March 1985"),
        ("D.O.B. 1985-03-12", "1985-03-12"),
        ("date of birth 12 March 1985", "12 March 1985"),
        ("(born in 1990)", "1990"),
        ("d.o.b. March 12, 1985", "March 12, 1985"),
    ],
)
def test_a_date_of_birth_is_found(text: str, date: str) -> None:
    assert kinds(text) == [("date_of_birth", date)]


def test_other_dates_stay_because_the_chronology_needs_them() -> None:
    assert kinds("On 12/03/2024 the panel met; on 3 May 2025 he was recalled.") == []


def test_every_proposal_says_why() -> None:
    proposals = find_patterns("NHS 943 476 5919, call 07700 900123, born 1/2/1980.")
    assert [p.reason for p in proposals] == [
        "NHS number (check digit valid)",
        "Phone number",
        "Date of birth",
    ]
