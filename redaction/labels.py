"""Stable labels for known parties: the same person gets the same label everywhere."""

from __future__ import annotations

from collections.abc import Sequence
from string import ascii_uppercase

from redaction.model import Party, Role

PERSON_ON_PROBATION = "the person on probation"


def _letter(index: int) -> str:
    # A..Z, then AA, AB... so a case with many staff still gets distinct labels.
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = ascii_uppercase[rest] + letters
    return letters


def staff_noun(agency: str | None) -> str:
    """What a member of staff is called in a label, from their agency's name."""
    if agency and "police" in agency.casefold():
        return "Police officer"
    return "Practitioner"


def assign_labels(parties: Sequence[Party]) -> dict[str, str]:
    """Each party's label, keyed by `Party.ident`, in the order the parties were given.

    Staff share one letter sequence whatever their agency ("Practitioner A", "Police officer B")
    so that a letter alone tells two people apart; family members and others have their own.
    Letters follow the chair's order of the parties, so the labels of a case stay the same in
    every recipient's extract.
    """
    labels: dict[str, str] = {}
    by_role: dict[Role, list[Party]] = {role: [] for role in Role}
    for party in parties:
        if party.ident in labels or any(p.ident == party.ident for p in by_role[party.role]):
            continue
        by_role[party.role].append(party)

    on_probation = by_role[Role.PERSON_ON_PROBATION]
    for i, party in enumerate(on_probation):
        labels[party.ident] = (
            PERSON_ON_PROBATION if len(on_probation) == 1 else f"Person on probation {_letter(i)}"
        )
    victims = by_role[Role.VICTIM]
    for i, party in enumerate(victims):
        labels[party.ident] = "Victim" if len(victims) == 1 else f"Victim {i + 1}"
    for i, party in enumerate(by_role[Role.FAMILY_MEMBER]):
        labels[party.ident] = f"Family member {_letter(i)}"
    for i, party in enumerate(by_role[Role.STAFF]):
        labels[party.ident] = f"{staff_noun(party.agency)} {_letter(i)}"
    for i, party in enumerate(by_role[Role.OTHER]):
        labels[party.ident] = f"Person {_letter(i)}"
    return labels
