"""The plain data a redaction review works on: parties, proposals and their states."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

REDACTED = "[redacted]"


class Role(StrEnum):
    """What a known party was in the case; it decides the label they are given."""

    PERSON_ON_PROBATION = "person_on_probation"
    VICTIM = "victim"
    FAMILY_MEMBER = "family_member"
    STAFF = "staff"
    OTHER = "other"


class Source(StrEnum):
    """Which detector proposed a redaction, or a person who added it by hand."""

    PARTY = "party"
    PATTERN = "pattern"
    NER = "ner"
    MANUAL = "manual"


class State(StrEnum):
    """Where a proposal stands in the preparer's review."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


# A rejected proposal can be reconsidered, so every state can move to the other two.
TRANSITIONS: dict[State, frozenset[State]] = {
    State.PROPOSED: frozenset({State.ACCEPTED, State.REJECTED}),
    State.ACCEPTED: frozenset({State.REJECTED, State.PROPOSED}),
    State.REJECTED: frozenset({State.ACCEPTED, State.PROPOSED}),
}


class RedactionError(ValueError):
    """A redaction that cannot be made as asked, with a message a person can read."""


@dataclass(frozen=True)
class Party:
    """A person the chair names as involved in the case.

    `name` is the full name as usually written ("John Paul Smith"); the last word is taken as
    the surname unless `surname` says otherwise ("Anna de la Cruz" -> surname="de la Cruz").
    `agency` matters for staff: it picks "Police officer" or "Practitioner" for their label.
    `aliases` are other names they are known by (a nickname, a former surname).
    `title` ("Mrs", "DC") narrows who "Mrs Smith" can be when several share a surname.
    """

    name: str
    role: Role
    agency: str | None = None
    aliases: tuple[str, ...] = ()
    surname: str | None = None
    title: str | None = None
    key: str | None = None

    @property
    def ident(self) -> str:
        """A stable key for this party: the caller's own id if given, otherwise the name."""
        return self.key if self.key is not None else self.name


@dataclass
class Proposal:
    """One span of the text to redact, why, what replaces it, and where its review stands.

    Offsets are Python string indices into the text the proposal was made for: `text` is
    `source_text[start:end]`, kept so a reviewer sees what goes and so the PDF can be checked
    for it afterwards.
    """

    start: int
    end: int
    text: str
    reason: str
    replacement: str = REDACTED
    source: Source = Source.PATTERN
    state: State = State.PROPOSED
    party: str | None = None
    kind: str = ""
    # False when the detector only suspects it: shaped like an identifier whose check fails, a
    # street or house name without the usual form. Proposed all the same, for the preparer to
    # reject if wrong: a string left standing cannot be recalled once issued.
    certain: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise RedactionError(f"A redaction must cover at least one character ({self.start}).")

    @property
    def accepted(self) -> bool:
        return self.state is State.ACCEPTED

    def overlaps(self, other: Proposal) -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict[str, object]:
        """Plain values only, for storing a review's proposals as JSON."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Proposal:
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            text=str(data["text"]),
            reason=str(data["reason"]),
            replacement=str(data.get("replacement", REDACTED)),
            source=Source(data.get("source", Source.MANUAL)),
            state=State(data.get("state", State.PROPOSED)),
            party=data.get("party"),
            kind=str(data.get("kind", "")),
            certain=bool(data.get("certain", True)),
        )

    def moved_to(self, state: State) -> Proposal:
        """This proposal in a new state; refuses a move the review does not allow."""
        if state is self.state:
            return self
        if state not in TRANSITIONS[self.state]:
            raise RedactionError(f"A {self.state} redaction cannot become {state}.")
        return dataclasses.replace(self, state=state)


# The name the web layer and the tests use for an accepted proposal: it is the same object.
Redaction = Proposal
