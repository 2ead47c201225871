"""Review-like text of any length, with invented people, identifiers and addresses, for benchmarks.

Every name, number and address here is made up; NHS numbers get a valid check digit and PNC
IDs a valid check letter so that the detectors do the full work on them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from redaction import Party, Role
from redaction.patterns import pnc_check_letter

FIRST_NAMES = [
    "Daniel", "Aisha", "Connor", "Bethany", "Tomasz", "Grace", "Imran", "Leanne", "Kwame",
    "Siobhan", "Ravi", "Chloe", "Declan", "Hope", "Marcus", "Yasmin", "Gareth", "Niamh",
]  # fmt: skip
SURNAMES = [
    "Whitcombe", "Adeyemi", "Kowalczyk", "Hargreaves", "Okonkwo", "Fairbairn", "Rahman",
    "Pemberton", "McAllister", "Oyelaran", "Szymanski", "Thistlewood", "Achterberg", "Brannigan",
]  # fmt: skip
STREETS = ["Larkspur Close", "Mill Lane", "Ashgrove Road", "Kestrel Avenue", "Tanner Street"]
TOWNS = ["Stockport", "Rochdale", "Wigan", "Oldham", "Bolton"]
POSTCODES = ["SK4 2AB", "OL16 1XU", "WN1 1RP", "OL1 3BQ", "BL1 1SE"]

CHARS_PER_PAGE = 3000

SENTENCES = [
    "On {date} {pop} attended a supervision appointment with {prac}.",
    "{prac} recorded that {pop_short} appeared anxious and had not been taking medication.",
    "The OASys assessment was not reviewed after {victim} reported further concerns.",
    "{officer} attended {address} following a call from a neighbour on {phone}.",
    "Children's services were not contacted, although {victim_first}'s children lived there.",
    "A MAPPA referral was considered but not made; the reasons were not recorded.",
    "{family} told the panel that {pop_short} had been drinking heavily since the spring.",
    "The NHS number {nhs} was recorded incorrectly on the referral to mental health services.",
    "{pop_short}'s PNC record ({pnc}) showed two previous domestic abuse call-outs.",
    "Management oversight was limited: the case was not discussed at the monthly meeting.",
    "{prac} emailed {email} to request information, and received no reply for three weeks.",
    "There was no evidence of professional curiosity about the new relationship.",
    "The risk of serious harm was assessed as medium; the panel considered it should be high.",
    "{pop} (date of birth {dob}) was released on licence to {address}.",
    "Information sharing between police and probation relied on a single phone call.",
    "{officer} did not know that {pop_short} was subject to licence conditions.",
    "The panel found good practice in the victim liaison work with {victim}.",
    "Recall was considered on {date} but not pursued because accommodation was stable.",
]


@dataclass
class Review:
    text: str
    parties: list[Party]
    secrets: list[str] = field(default_factory=list)

    @property
    def pages(self) -> float:
        return len(self.text) / CHARS_PER_PAGE


def _nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            raw = "".join(map(str, digits)) + str(check)
            return f"{raw[:3]} {raw[3:6]} {raw[6:]}"


def generate_review(pages: int, seed: int = 1) -> Review:
    """About `pages` pages (3,000 characters each) of review text and the case's parties."""
    rng = random.Random(seed)  # noqa: S311 - invented text, not secrets
    names = rng.sample([(f, s) for f in FIRST_NAMES for s in SURNAMES], 6)
    pop, victim, family, prac, officer, other = (f"{f} {s}" for f, s in names)
    parties = [
        Party(pop, Role.PERSON_ON_PROBATION),
        Party(victim, Role.VICTIM),
        Party(family, Role.FAMILY_MEMBER),
        Party(prac, Role.STAFF, agency="Probation Service"),
        Party(officer, Role.STAFF, agency="Greater Manchester Police"),
    ]
    secrets = [pop, victim, family, prac, officer, names[0][1], names[1][1], names[4][1]]
    paragraphs: list[str] = []
    length = 0
    section = 0
    while length < pages * CHARS_PER_PAGE:
        if len(paragraphs) % 12 == 0:
            section += 1
            paragraphs.append(f"Section {section}: analysis of practice")
        sentences = []
        for template in rng.sample(SENTENCES, 5):
            house = rng.randrange(1, 200)
            street = rng.choice(STREETS)
            values = {
                "date": f"{rng.randrange(1, 28)} {rng.choice(['March', 'June', 'October'])} 2025",
                "pop": pop,
                "pop_short": rng.choice([pop.split()[1], f"Mr {pop.split()[1]}", pop.split()[0]]),
                "prac": rng.choice([prac, f"Ms {prac.split()[1]}"]),
                "victim": victim,
                "victim_first": victim.split()[0],
                "officer": rng.choice([f"DC {officer.split()[1]}", officer]),
                "family": family,
                "address": f"{house} {street}, {rng.choice(TOWNS)}, {rng.choice(POSTCODES)}",
                "phone": f"07700 9{rng.randrange(10000, 99999)}",
                "nhs": _nhs_number(rng),
                "pnc": _pnc(rng),
                "email": f"{other.split()[0].lower()}.{other.split()[1].lower()}@example.org",
                "dob": f"{rng.randrange(1, 28):02d}/{rng.randrange(1, 12):02d}/19{rng.randrange(60, 99)}",  # noqa: E501
            }
            sentences.append(template.format(**values))
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        length += len(paragraph)
    return Review(text="\n\n".join(paragraphs), parties=parties, secrets=secrets)


def _pnc(rng: random.Random) -> str:
    year = f"{rng.randrange(0, 25):02d}"
    serial = str(rng.randrange(1, 999999))
    return f"{year}/{serial}{pnc_check_letter(year, serial)}"
