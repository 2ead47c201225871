"""Hand-labelled review-like sentences for evaluating recognisers of names and places.

Written for this evaluation; every person and place in a review-like role is invented or
generic. Labelled: PERSON (a person's name, with a title if written) and PLACE (a town,
district, street, or named building, pub or park). Agencies ("Greater Manchester Police"),
programmes, dates and roles are not labelled: they stay in an extract.
"""

from __future__ import annotations

SAMPLE: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Daniel Whitcombe was released from HMP Forest Bank on 3 March 2025.",
        [("Daniel Whitcombe", "PERSON"), ("Forest Bank", "PLACE")],
    ),
    (
        "His probation practitioner, Aisha Rahman, saw him at the Stockport office.",
        [("Aisha Rahman", "PERSON"), ("Stockport", "PLACE")],
    ),
    (
        "DC Kowalczyk attended the address in Reddish after a neighbour called 999.",
        [("DC Kowalczyk", "PERSON"), ("Reddish", "PLACE")],
    ),
    (
        "Leanne Hargreaves told the officer that Mr Whitcombe had threatened her.",
        [("Leanne Hargreaves", "PERSON"), ("Mr Whitcombe", "PERSON")],
    ),
    ("The MAPPA meeting was not convened, and the reasons were not recorded.", []),
    (
        "Children's services in Tameside were not told about the new relationship.",
        [("Tameside", "PLACE")],
    ),
    (
        "Mr Okonkwo, the approved premises manager, raised concerns with Siobhan.",
        [("Mr Okonkwo", "PERSON"), ("Siobhan", "PERSON")],
    ),
    (
        "On 12 June he moved to his sister's flat on Kestrel Avenue in Hyde.",
        [("Kestrel Avenue", "PLACE"), ("Hyde", "PLACE")],
    ),
    (
        "Dr Fairbairn from the community mental health team assessed him as low risk.",
        [("Dr Fairbairn", "PERSON")],
    ),
    ("The OASys assessment was not reviewed after the arrest.", []),
    (
        "Kwame Adeyemi, the victim's brother, said the family had warned the police.",
        [("Kwame Adeyemi", "PERSON")],
    ),
    (
        "He was seen drinking in the Red Lion in Marple on the night of the offence.",
        [("Red Lion", "PLACE"), ("Marple", "PLACE")],
    ),
    (
        "Ms Pemberton, the senior probation officer, countersigned the risk assessment.",
        [("Ms Pemberton", "PERSON")],
    ),
    (
        "The victim, Grace Thistlewood, had moved from Leeds to Manchester in 2023.",
        [("Grace Thistlewood", "PERSON"), ("Leeds", "PLACE"), ("Manchester", "PLACE")],
    ),
    ("Management oversight was limited and supervision records were brief.", []),
    (
        "Tomasz spoke to his GP in Denton about his low mood.",
        [("Tomasz", "PERSON"), ("Denton", "PLACE")],
    ),
    (
        "PC Brannigan recorded the incident as a verbal argument.",
        [("PC Brannigan", "PERSON")],
    ),
    (
        "Imran Szymanski shared the tenancy at Mill Lane with the person on probation.",
        [("Imran Szymanski", "PERSON"), ("Mill Lane", "PLACE")],
    ),
    (
        "Information sharing between the police and probation relied on one phone call.",
        [],
    ),
    (
        "Yasmin McAllister, a support worker at Oldham Women's Centre, made a referral.",
        [("Yasmin McAllister", "PERSON"), ("Oldham", "PLACE")],
    ),
    (
        "Gareth was recalled to custody at HMP Manchester in October.",
        [("Gareth", "PERSON"), ("Manchester", "PLACE")],
    ),
    ("The panel found good practice in the victim liaison work.", []),
    (
        "Chloe Oyelaran, his former partner, obtained a non-molestation order in Bolton.",
        [("Chloe Oyelaran", "PERSON"), ("Bolton", "PLACE")],
    ),
    (
        "Declan's mother, Niamh Achterberg, was not contacted by the practitioner.",
        [("Declan", "PERSON"), ("Niamh Achterberg", "PERSON")],
    ),
    (
        "The address in Wythenshawe had not been checked with the local authority.",
        [("Wythenshawe", "PLACE")],
    ),
    (
        "Marcus Pemberton-Hall worked nights at a warehouse near Trafford Park.",
        [("Marcus Pemberton-Hall", "PERSON"), ("Trafford Park", "PLACE")],
    ),
    ("Recall was considered but not pursued because his accommodation was stable.", []),
    (
        "DS Rahman and DC Hope attended the multi-agency risk assessment conference.",
        [("DS Rahman", "PERSON"), ("DC Hope", "PERSON")],
    ),
    (
        "Hope had told Ravi that she was frightened of him.",
        [("Hope", "PERSON"), ("Ravi", "PERSON")],
    ),
    (
        "She was taken to Stepping Hill Hospital with serious injuries.",
        [("Stepping Hill Hospital", "PLACE")],
    ),
    ("There was no evidence of professional curiosity about his drug use.", []),
    (
        "Bethany Kowalczyk, aged 19, lived with her grandmother in Cheadle Hulme.",
        [("Bethany Kowalczyk", "PERSON"), ("Cheadle Hulme", "PLACE")],
    ),
    (
        "Connor met him at Heaton Park two days before the offence.",
        [("Connor", "PERSON"), ("Heaton Park", "PLACE")],
    ),
    (
        "The duty manager, Mrs Thistlewood, did not escalate the missed appointments.",
        [("Mrs Thistlewood", "PERSON")],
    ),
    (
        "He had previously lived in Glasgow and Belfast.",
        [("Glasgow", "PLACE"), ("Belfast", "PLACE")],
    ),
    ("The sentence plan did not address domestic abuse.", []),
    (
        "Mark Brannigan from Stockport Homes said the tenancy was at risk.",
        [("Mark Brannigan", "PERSON"), ("Stockport", "PLACE")],
    ),
    (
        "Rose Achterberg called the police from Lancashire Hill at 23:40.",
        [("Rose Achterberg", "PERSON"), ("Lancashire Hill", "PLACE")],
    ),
    (
        "The practitioner will mark the file and may review it in May.",
        [],
    ),
    (
        "Siobhan Okonkwo, the victim's friend, gave a statement to Greater Manchester Police.",
        [("Siobhan Okonkwo", "PERSON")],
    ),
]


def gold_spans(text: str, labels: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """The labelled strings as (start, end, kind), each at its first place in the sentence."""
    spans = []
    for surface, kind in labels:
        start = text.index(surface)
        spans.append((start, start + len(surface), kind))
    return spans
