"""What might identify a known party without proving it is proposed as a suspicion, with its
reason: initials that spell a word, a name mistyped though the slip is a word or the name
short, a name of several words with one of them mistyped, a name typed without its accents,
the lines of an address before its postcode, a number run over a line break; and the near
misses that must not be proposed."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from redaction import (
    Detector,
    Party,
    Proposal,
    Role,
    Section,
    accept_all,
    apply_redactions,
    render_extract,
)

PARTIES = [
    Party("Alan Moore", Role.STAFF, agency="Probation Service", key="am"),
    Party("Ciarán ap Rhys", Role.PERSON_ON_PROBATION, surname="ap Rhys", key="cr"),
    Party("Dawn Hill", Role.VICTIM, key="dh"),
    Party("Zoë Quinn", Role.OTHER, key="zq"),
    Party("Orla Rees", Role.FAMILY_MEMBER, key="or"),
]

# (what the review says, the string that must go, words of the reason the preparer reads)
SUSPICIONS = [
    ("Entered by: AM (PP)", "AM", "Could be the initials of Practitioner A"),
    ("Checked with the police: CaR confirmed a call-out.", "CaR", "initials of the person"),
    ("In interview Dqwn said she was afraid.", "Dqwn", "misspelling of the name of Victim"),
    ("The panel heard from Zpë (62), who cared for him.", "Zpë", "misspelling of the name"),
    ("The letter was sent to Ms Reed on Monday.", "Reed", "misspelling of the name"),
    ("Mr ap Fhys was not seen.", "ap Fhys", "misspelling of the surname"),
    ("Mrs ao Rhys called twice.", "ao Rhys", "misspelling of the surname"),
    ("Later Orla Reed called the office.", "Orla Reed", "misspelling of the full name"),
    ("We met Zoe Quinn today.", "Zoe Quinn", "Known party"),
    ("Previous address:\nFernleigh\nWigan WN1 5PZ", "Fernleigh\nWigan", "house's name"),
    ("Name | DOB | Address\nD. H. | 05.07.84 | Glenview, Dundee\n", "Glenview, Dundee", "cell"),
    ("Dawn called 0044\n7514 101666 at night.", "0044\n7514 101666", "Phone number"),
    ("National Insurance number VR 34 05\n87 A was given.", "VR 34 05\n87 A", "label"),
]


def covering(text: str, secret: str) -> list[Proposal]:
    start = text.index(secret)
    return [
        p
        for p in Detector(parties=PARTIES).propose(text)
        if p.start <= start and start + len(secret) <= p.end
    ]


@pytest.mark.parametrize(("text", "secret", "reason"), SUSPICIONS)
def test_each_suspicion_is_proposed_with_its_reason(text: str, secret: str, reason: str) -> None:
    found = covering(text, secret)
    assert found, f"{secret!r} is not proposed in {text!r}"
    assert any(reason.casefold() in p.reason.casefold() for p in found), found


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Entered by: AM (PP)", "AM"),
        ("Mr ap Fhys was not seen.", "ap Fhys"),
        ("In interview Dqwn said she was afraid.", "Dqwn"),
    ],
)
def test_a_suspicion_is_marked_as_one(text: str, secret: str) -> None:
    (proposal,) = covering(text, secret)
    assert proposal.certain is False
    assert proposal.party is not None  # replaced by that party's label once accepted


@pytest.mark.parametrize(
    "text",
    [
        # Initials that spell a word, where they are the word or a heading in capitals.
        "The meeting was at 10 AM on Monday.",
        "SEE ALSO THE NOTES BELOW",
        "He said he was going am I right",
        # A slip of a short name or of a word-name at the start of a sentence, in a table
        # cell, after a date, or inside a longer name: the word it is.
        "Down the road the car was parked.",
        "3 Mar 2023\tHome visit by the officer.",
        "Name | Role | Agency",
        "She went to the Mill Lane office.",
        # A name particle's slip that is an ordinary word in small letters.
        "He went at Rhys's request.",
        # A label above an address is not a line of it.
        "Postcode M1 1AE noted.",
    ],
)
def test_near_misses_are_not_proposed_as_suspicions(text: str) -> None:
    proposals = Detector(parties=PARTIES).propose(text)
    suspected = [p for p in proposals if not p.certain and p.kind in ("party", "address")]
    assert suspected == [], suspected


def test_every_suspicion_once_accepted_is_absent_from_the_pdf_read_back() -> None:
    text = "\n\n".join(shape[0] for shape in SUSPICIONS)
    proposals = accept_all(Detector(parties=PARTIES).propose(text))
    redacted = apply_redactions(text, proposals)
    pdf = render_extract(
        [Section("Findings", redacted)],
        recipient="Priya Shah",
        reference="EX-00000003",
        issued_on=date(2026, 11, 26),
    )
    read_back = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    # Paragraph numbers ("1.34") are the PDF's own; a label ("Practitioner A") is meant to stay.
    read_back = re.sub(r"(?<!\S)\d+\.\d+(?!\S)", "", read_back)
    for _, secret, _ in SUSPICIONS:
        for word in secret.split():
            if len(word) > 1:
                assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", read_back), word
    assert "called twice" in read_back
