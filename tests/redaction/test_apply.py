"""Applying accepted redactions, overlaps resolved the same way whatever the order."""

from __future__ import annotations

import itertools
import json

import pytest

from redaction import (
    Party,
    Proposal,
    RedactionError,
    Role,
    Source,
    State,
    accept_all,
    add_manual,
    apply_redactions,
    decide,
    forbidden_strings,
)

TEXT = "John Smith lives at 7 Hope Street with Anna."


def span(text: str, part: str, replacement: str, source: Source = Source.PATTERN) -> Proposal:
    start = text.index(part)
    return Proposal(
        start=start,
        end=start + len(part),
        text=part,
        reason="test",
        replacement=replacement,
        source=source,
        state=State.ACCEPTED,
    )


def test_accepted_redactions_are_replaced_and_rejected_ones_kept() -> None:
    name = span(TEXT, "John Smith", "the person on probation", Source.PARTY)
    address = span(TEXT, "7 Hope Street", "[redacted]")
    anna = span(TEXT, "Anna", "[redacted]", Source.NER)
    anna.state = State.REJECTED
    result = apply_redactions(TEXT, [name, address, anna])
    assert result == "the person on probation lives at [redacted] with Anna."


def test_a_proposal_still_awaiting_a_decision_stops_the_text_being_made() -> None:
    pending = span(TEXT, "Anna", "[redacted]")
    pending.state = State.PROPOSED
    with pytest.raises(RedactionError, match="neither accepted nor rejected"):
        apply_redactions(TEXT, [pending])


def test_a_redaction_whose_text_changed_underneath_it_is_refused() -> None:
    stale = span(TEXT, "Anna", "[redacted]")
    with pytest.raises(RedactionError, match="does not match"):
        apply_redactions(TEXT.replace("Anna", "Anne"), [stale])


def test_overlaps_are_merged_the_same_way_in_any_order() -> None:
    text = "Seen at 7 Hope Street, Leeds LS1 4AB by Hope."
    redactions = [
        span(text, "7 Hope Street, Leeds LS1 4AB", "[redacted]"),
        span(text, "Hope Street", "[street]", Source.NER),
        span(text, "Hope", "Victim", Source.PARTY),
        span(text, "LS1 4AB by", "[x]", Source.MANUAL),
    ]
    results = {apply_redactions(text, list(order)) for order in itertools.permutations(redactions)}
    # The longest span's replacement stands for the whole overlapping group; the later "Hope"
    # is a separate mention.
    assert results == {"Seen at [redacted] Hope."}


def test_equal_overlapping_spans_prefer_manual_then_party() -> None:
    party = span(TEXT, "John Smith", "the person on probation", Source.PARTY)
    manual = span(TEXT, "John Smith", "[withheld]", Source.MANUAL)
    ner = span(TEXT, "John Smith", "[redacted]", Source.NER)
    assert apply_redactions(TEXT, [ner, party, manual]).startswith("[withheld] lives")
    assert apply_redactions(TEXT, [ner, party]).startswith("the person on probation lives")


def test_touching_redactions_stay_separate() -> None:
    text = "AB"
    a = span(text, "A", "[1]")
    b = span(text, "B", "[2]")
    assert apply_redactions(text, [b, a]) == "[1][2]"


def test_a_manual_redaction_from_a_selection_trims_spaces_and_is_accepted() -> None:
    start = TEXT.index(" Anna")
    manual = add_manual(TEXT, start, start + len(" Anna."), replacement="[a friend]")
    assert manual.text == "Anna."
    assert manual.source is Source.MANUAL and manual.state is State.ACCEPTED
    assert apply_redactions(TEXT, [manual]).endswith("with [a friend]")


def test_a_selection_outside_the_text_or_of_spaces_is_refused() -> None:
    with pytest.raises(RedactionError):
        add_manual(TEXT, 0, len(TEXT) + 1)
    with pytest.raises(RedactionError):
        add_manual("a   b", 1, 4)


def test_decisions_move_between_states_and_accept_all_leaves_decided_ones() -> None:
    proposals = [span(TEXT, "John", "x"), span(TEXT, "Anna", "y")]
    for p in proposals:
        p.state = State.PROPOSED
    proposals = decide(proposals, 1, State.REJECTED)
    assert [p.state for p in proposals] == [State.PROPOSED, State.REJECTED]
    proposals = accept_all(proposals)
    assert [p.state for p in proposals] == [State.ACCEPTED, State.REJECTED]
    with pytest.raises(RedactionError):
        decide(proposals, 5, State.ACCEPTED)


def test_a_proposal_must_cover_something() -> None:
    with pytest.raises(RedactionError):
        Proposal(start=3, end=3, text="", reason="empty")


def test_forbidden_strings_leave_out_ordinary_words_visible_parties_and_rejections() -> None:
    parties = [
        Party("Hope Williams", Role.VICTIM),
        Party("Sarah O'Brien", Role.STAFF, agency="Probation"),
        Party("Tom Lee", Role.OTHER),
    ]
    text = "Hope met Williams in Lee Valley."
    hope = span(text, "Hope", "Victim", Source.PARTY)
    williams = span(text, "Williams", "Victim", Source.PARTY)
    lee = span(text, "Lee", "Person A", Source.PARTY)
    lee.state = State.REJECTED
    forbidden = forbidden_strings([hope, williams, lee], parties, keep_visible={"Sarah O'Brien"})
    assert forbidden == ["Hope Williams", "Tom", "Tom Lee", "Williams"]


def test_a_proposal_survives_a_round_trip_through_json() -> None:
    original = span(TEXT, "John Smith", "the person on probation", Source.PARTY)
    original.party = "p1"
    stored = json.loads(json.dumps(original.to_dict()))
    assert stored["source"] == "party" and stored["state"] == "accepted"
    assert Proposal.from_dict(stored) == original


def test_a_name_that_is_also_a_word_of_a_label_does_not_forbid_the_label() -> None:
    """A party called "Anne Person" must not stop every extract that says "the person on
    probation"; her full name, and "Anne", are still looked for."""
    from redaction import Party, Role, State, forbidden_strings, propose_redactions

    text = "Anne Person was supervised from March. Ms Person moved house."
    party = Party("Anne Person", Role.PERSON_ON_PROBATION)
    proposals = [p.moved_to(State.ACCEPTED) for p in propose_redactions(text, [party])]
    forbidden = forbidden_strings(proposals, [party])
    assert "Anne Person" in forbidden and "Anne" in forbidden
    assert "Person" not in forbidden
