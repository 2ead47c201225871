"""A tricky review, from proposals to a verified PDF: every party and identifier gone."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from redaction import (
    Detector,
    Party,
    Role,
    Section,
    Source,
    State,
    TitledNameFinder,
    accept_all,
    apply_redactions,
    forbidden_strings,
    render_extract,
    verify_pdf,
)

PARTIES = [
    Party("Daniel James Whitcombe", Role.PERSON_ON_PROBATION, title="Mr"),
    Party("Hope Adeyemi", Role.VICTIM),
    Party("Grace Whitcombe", Role.FAMILY_MEMBER, title="Mrs"),
    Party("Priya Shah", Role.STAFF, agency="Probation Service"),
    Party("Mark Kowalczyk", Role.STAFF, agency="Greater Manchester Police"),
]

REVIEW = """Mr Whitcombe (DOB 14/07/1989, NHS number 485 777 3457, NI JG 10 37 59 A,
PNC 12/345678U, CRO 123456/08T) was supervised under case SFO/2026/0142. Daniel
Whitcombe's address was 27 Larkspur Close,
Stockport
SK4 2AB; his phone 07700 900 123 and email dan.w@example.com.

On 3 May 2025 Priya Shah (PS) met D. J. Whitcombe. Hope had reported that the Whitcombes'
car followed her. I hope the panel notes that staff will mark this. DC Kowal-
czyk phoned Mrs Whitcombe on +44 161 496 0000. Later DW told Ms Shah that Hope's
sister, Mr Okafor's tenant, lived at SK42AB. May 2025 was busy. Mark attended in May.

An NHS number mistyped, 485 777 3456, still goes. Will you note it? Grace said yes."""

SECRETS = [
    "Whitcombe",
    "Daniel",
    "Adeyemi",
    "Priya Shah",
    "Kowalczyk",
    "14/07/1989",
    "485 777 3457",
    "JG 10 37 59 A",
    "12/345678U",
    "123456/08T",
    "SFO/2026/0142",
    "27 Larkspur Close",
    "Stockport",
    "SK4 2AB",
    "SK42AB",
    "07700 900 123",
    "dan.w@example.com",
    "+44 161 496 0000",
    "Okafor",
]


@pytest.fixture(scope="module")
def redacted() -> str:
    detector = Detector(parties=PARTIES, ner=TitledNameFinder())
    proposals = accept_all(detector.propose(REVIEW))
    return apply_redactions(REVIEW, proposals)


def test_every_party_and_identifier_is_gone_from_the_text(redacted: str) -> None:
    still_there = [s for s in SECRETS if s.casefold() in redacted.casefold()]
    assert still_there == []
    # Split names too: no piece of a party's name is left.
    for piece in ("Whitc", "Kowal", "czyk", "Adeye"):
        assert piece not in redacted


def test_labels_replace_parties_consistently_and_words_stay(redacted: str) -> None:
    assert "The person on probation (DOB [redacted]" in redacted
    assert "[redacted]. The person on probation's address was [redacted];" in redacted
    assert "the [redacted]'s\ncar" in redacted  # "the Whitcombes'": two parties share it
    assert "sister, [redacted]'s tenant" in redacted
    assert "Victim had reported" in redacted
    assert "Victim's\nsister" in redacted or "Victim's sister" in redacted
    assert "Police officer B phoned Family member A" in redacted
    assert "Practitioner A (Practitioner A) met the person on probation" in redacted
    assert "I hope the panel notes that staff will mark this." in redacted
    assert "May 2025 was busy." in redacted
    assert "Police officer B attended in May." in redacted
    assert "Will you note it? Family member A said yes." in redacted
    # Its check digit fails, but a typo still identifies him: proposed, marked as a suspicion.
    assert "An NHS number mistyped, [redacted], still goes." in redacted


def test_the_pdf_read_back_holds_none_of_them(redacted: str) -> None:
    pdf = render_extract(
        [Section("Findings", redacted)],
        recipient="Priya Shah",
        reference="EXT-2026-0001",
        issued_on=date(2026, 3, 3),
    )
    # Priya Shah is the recipient: her name is on every page, so she is not forbidden here.
    forbidden = [s for s in SECRETS if s != "Priya Shah"]
    assert verify_pdf(pdf, forbidden) == []
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Victim had reported" in " ".join(text.split())


def test_the_recipient_sees_their_own_name_and_nothing_else_leaks() -> None:
    detector = Detector(parties=PARTIES, keep_visible={"Priya Shah"}, ner=TitledNameFinder())
    proposals = accept_all(detector.propose(REVIEW))
    text = apply_redactions(REVIEW, proposals)
    assert "Priya Shah (PS) met" in text
    assert "told Ms Shah that" in text
    forbidden = forbidden_strings(proposals, PARTIES, keep_visible={"Priya Shah"})
    assert "Priya Shah" not in forbidden and "Whitcombe" in forbidden
    pdf = render_extract(
        [Section("Findings", text)],
        recipient="Priya Shah",
        reference="EXT-2026-0002",
        issued_on=date(2026, 3, 3),
    )
    assert verify_pdf(pdf, forbidden) == []


def test_the_verification_refuses_an_extract_made_from_the_unredacted_text() -> None:
    detector = Detector(parties=PARTIES)
    proposals = accept_all(detector.propose(REVIEW))
    pdf = render_extract(
        [Section("Findings", REVIEW)],
        recipient="Someone",
        reference="EXT-2026-0003",
        issued_on=date(2026, 3, 3),
    )
    leaks = verify_pdf(pdf, forbidden_strings(proposals, PARTIES))
    assert "Hope Adeyemi" not in leaks  # never written in full in the review...
    assert {"Whitcombe", "Kowalczyk", "485 777 3457", "SFO/2026/0142"} <= set(leaks)


def test_every_proposal_has_a_reason_and_known_source() -> None:
    proposals = Detector(parties=PARTIES, ner=TitledNameFinder()).propose(REVIEW)
    assert proposals
    assert all(p.reason for p in proposals)
    assert {p.source for p in proposals} == {Source.PARTY, Source.PATTERN, Source.NER}
    assert all(p.state is State.PROPOSED for p in proposals)
    assert all(REVIEW[p.start : p.end] == p.text for p in proposals)
