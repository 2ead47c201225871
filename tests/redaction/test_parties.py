"""Known parties found under the many ways their names get written, and ordinary words left."""

from __future__ import annotations

import pytest

from redaction import Party, Role, Source
from redaction.parties import PartyMatcher

PARTIES = [
    Party("John Paul Smith", Role.PERSON_ON_PROBATION),
    Party("Hope Williams", Role.VICTIM),
    Party("Sarah O'Brien", Role.STAFF, agency="Probation Service", title="Ms"),
    Party("Will Kowalski", Role.STAFF, agency="Greater Manchester Police"),
    Party("May Rose", Role.FAMILY_MEMBER),
    Party("Mark Jenkins", Role.FAMILY_MEMBER),
    Party("Anna Smith-Jones", Role.OTHER),
]


@pytest.fixture(scope="module")
def matcher() -> PartyMatcher:
    return PartyMatcher(PARTIES)


def found(matcher: PartyMatcher, text: str) -> list[tuple[str, str]]:
    return [(p.text, p.replacement) for p in matcher.propose(text)]


@pytest.mark.parametrize(
    ("text", "mention", "label"),
    [
        ("We met John Smith today.", "John Smith", "the person on probation"),
        ("We met John Paul Smith today.", "John Paul Smith", "the person on probation"),
        ("We met JOHN SMITH today.", "JOHN SMITH", "the person on probation"),
        ("We met john smith today.", "john smith", "the person on probation"),
        ("We met Mr Smith today.", "Mr Smith", "the person on probation"),
        ("We met Mr. Smith today.", "Mr. Smith", "the person on probation"),
        ("We met J. Smith today.", "J. Smith", "the person on probation"),
        ("We met J Smith today.", "J Smith", "the person on probation"),
        ("We met J.P. Smith today.", "J.P. Smith", "the person on probation"),
        ("We met JS today.", "JS", "the person on probation"),
        ("We met J.S. today.", "J.S", "the person on probation"),
        ("We met John today.", "John", "the person on probation"),
        ("We met Smith today.", "Smith", "the person on probation"),
        ("We met John\nSmith today.", "John\nSmith", "the person on probation"),
        ("We met John   \n  Smith today.", "John   \n  Smith", "the person on probation"),
        ("We met Ko-\nwalski today.", "Ko-\nwalski", "Police officer B"),
        ("We met DC Kowalski today.", "DC Kowalski", "Police officer B"),
        ("We met Ms O'Brien today.", "Ms O'Brien", "Practitioner A"),
        ("We met Ms O’Brien today.", "Ms O’Brien", "Practitioner A"),
        ("We met Anna Smith-Jones today.", "Anna Smith-Jones", "Person A"),
        ("We met Smith-\nJones today.", "Smith-\nJones", "Person A"),
    ],
)
def test_a_variant_of_a_known_name_is_replaced_by_the_partys_label(
    matcher: PartyMatcher, text: str, mention: str, label: str
) -> None:
    assert found(matcher, text) == [(mention, label)]


@pytest.mark.parametrize(
    ("text", "mention", "replacement"),
    [
        ("It was Smith's flat.", "Smith's", "the person on probation's"),
        ("It was John Smith’s flat.", "John Smith’s", "the person on probation’s"),
        ("It was the Smiths' flat.", "Smiths'", "the person on probation's"),
        ("It was Williams' flat.", "Williams'", "Victim's"),
        ("It was Hope's flat.", "Hope's", "Victim's"),
    ],
)
def test_a_possessive_keeps_its_s_after_the_label(
    matcher: PartyMatcher, text: str, mention: str, replacement: str
) -> None:
    assert found(matcher, text) == [(mention, replacement)]


def test_a_label_opening_a_sentence_gets_a_capital(matcher: PartyMatcher) -> None:
    assert found(matcher, "Smith was recalled.") == [("Smith", "The person on probation")]


@pytest.mark.parametrize(
    "text",
    [
        "I hope the panel agrees.",
        "Staff will review the plan.",
        "Will you attend the panel?",
        "May I ask a question?",
        "The meeting in May was cancelled.",
        "On 3 May the panel met.",
        "By May 2026 the actions were due.",
        "The rose bush was trampled.",
        "She will mark the file.",
        "Her Will was read to the family.",
        "The Mark was unclear.",
        "AS A RESULT the plan changed.",
    ],
)
def test_names_that_are_also_words_stay_when_used_as_words(
    matcher: PartyMatcher, text: str
) -> None:
    assert found(matcher, text) == []


@pytest.mark.parametrize(
    ("text", "mention", "label"),
    [
        ("The officer told Hope about the order.", "Hope", "Victim"),
        ("Hope said she was frightened.", "Hope", "Victim"),
        ("Later, Will visited the address.", "Will", "Police officer B"),
        ("The panel spoke to May about it.", "May", "Family member A"),
        ("Only Mark attended.", "Mark", "Family member B"),
        ("He phoned May Rose twice.", "May Rose", "Family member A"),
        ("Rose was present.", "Rose", "Family member A"),
        ("Mr Rose was present.", "Mr Rose", "Family member A"),
    ],
)
def test_names_that_are_also_words_are_found_where_they_are_names(
    matcher: PartyMatcher, text: str, mention: str, label: str
) -> None:
    assert found(matcher, text) == [(mention, label)]


def test_two_ordinary_words_in_lower_case_are_not_a_name(matcher: PartyMatcher) -> None:
    assert found(matcher, "We may rose-tint it.") == []
    assert found(matcher, "they will hope for the best") == []


def test_a_name_several_parties_share_is_redacted_without_a_label() -> None:
    matcher = PartyMatcher(
        [Party("John Smith", Role.PERSON_ON_PROBATION), Party("Mary Smith", Role.VICTIM)]
    )
    [proposal] = matcher.propose("Then Smith left.")
    assert proposal.replacement == "[redacted]"
    assert "could be any of" in proposal.reason
    assert proposal.party is None
    # Their initials "JS" and "MS" are each unambiguous.
    assert [p.replacement for p in matcher.propose("Then JS left.")] == ["the person on probation"]


def test_a_title_picks_between_parties_who_share_a_surname() -> None:
    matcher = PartyMatcher(
        [
            Party("John Smith", Role.PERSON_ON_PROBATION, title="Mr"),
            Party("Mary Smith", Role.VICTIM, title="Mrs"),
        ]
    )
    assert found(matcher, "Mrs Smith called.") == [("Mrs Smith", "Victim")]
    assert found(matcher, "Mr Smith called.") == [("Mr Smith", "The person on probation")]


def test_initials_shared_by_two_parties_are_proposed_without_saying_which() -> None:
    matcher = PartyMatcher(
        [Party("John Smith", Role.PERSON_ON_PROBATION), Party("Jane Small", Role.VICTIM)]
    )
    (proposal,) = matcher.propose("Then JS left.")
    assert (proposal.text, proposal.replacement, proposal.party) == ("JS", "[redacted]", None)
    assert proposal.reason.startswith("Known party: could be any of")


def test_each_proposal_records_its_reason_source_and_offsets(matcher: PartyMatcher) -> None:
    text = "Contact with John Smith ended."
    [proposal] = matcher.propose(text)
    assert proposal.source is Source.PARTY
    assert proposal.party == "John Paul Smith"
    assert "person on probation" in proposal.reason
    assert text[proposal.start : proposal.end] == proposal.text == "John Smith"


def test_the_recipients_own_name_can_stay_visible(matcher: PartyMatcher) -> None:
    text = "Ms O'Brien saw John Smith."
    kept = matcher.propose(text, keep_visible={"Sarah O'Brien"})
    assert [p.text for p in kept] == ["John Smith"]


def test_aliases_are_matched_too() -> None:
    matcher = PartyMatcher([Party("John Smith", Role.PERSON_ON_PROBATION, aliases=("Jonno",))])
    assert found(matcher, "Jonno was seen.") == [("Jonno", "The person on probation")]


def test_every_mention_in_a_long_text_gets_the_same_label(matcher: PartyMatcher) -> None:
    text = "Mr Kowalski met Hope. " * 50 + "Later DC Will Kowalski wrote to Ms Williams."
    labels = {p.text: p.replacement for p in matcher.propose(text)}
    assert labels == {
        "Mr Kowalski": "Police officer B",
        "Hope": "Victim",
        "DC Will Kowalski": "Police officer B",
        "Ms Williams": "Victim",
    }
