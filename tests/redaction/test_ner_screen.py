"""The recogniser reads only the sentences that might hold a name nobody has found yet, all the
sections of a review in one batch, and each distinct sentence once."""

from __future__ import annotations

from collections.abc import Sequence

from redaction import Detector, Party, Role, Source
from redaction.ner import (
    PERSON,
    CombinedFinder,
    Entity,
    TitledNameFinder,
    ordinary_words,
    sentences_to_recognise,
)
from redaction.parties import COMMON_WORD_NAMES
from redaction.text import tokenise


def kept(text: str, explained: Sequence[tuple[int, int]] = (), *others: str) -> list[str]:
    ordinary = ordinary_words(tokenise(t) for t in (text, *others))
    spans = sentences_to_recognise(text, explained, ordinary, COMMON_WORD_NAMES)
    return [text[start:end] for start, end in spans]


def test_a_sentence_with_an_unexplained_capitalised_word_is_read() -> None:
    text = "The order was made. Then Tomasz Nowak moved in. It ended."
    assert kept(text) == ["Then Tomasz Nowak moved in."]


def test_capitals_explained_by_a_party_or_pattern_or_public_services_are_not_read() -> None:
    text = "Mr Jones met the Probation Service. The MAPPA meeting was in March."
    jones = text.index("Jones")
    assert kept(text) == ["Mr Jones met the Probation Service."]
    assert kept(text, [(jones, jones + len("Jones"))]) == []


def test_a_sentence_opening_with_a_word_written_small_elsewhere_is_not_read() -> None:
    text = "Recall was considered. The panel asked why recall was not pursued."
    assert kept(text) == []
    assert kept("Recall was considered.") == ["Recall was considered."]


def test_a_name_that_is_a_word_opening_a_sentence_is_still_read() -> None:
    text = "Hope said nothing. There was little hope of change."
    assert kept(text) == ["Hope said nothing."]


def test_table_cells_and_list_items_are_read_on_their_own() -> None:
    text = "Name | Role\nMarta Silva | Witness\n• The police were told.\n"
    assert kept(text) == ["Marta Silva"]


class Recorder:
    """A model's stand-in: records what it is given to read and finds every "Silva"."""

    name = "recorder"

    def __init__(self) -> None:
        self.read: list[str] = []
        self.calls = 0

    def find(self, text: str) -> list[Entity]:
        return self.find_many([text])[0]

    def find_many(self, texts: Sequence[str]) -> list[list[Entity]]:
        self.calls += 1
        self.read.extend(texts)
        return [
            [Entity(t.index("Silva"), t.index("Silva") + 5, PERSON, "Silva")]
            if "Silva" in t
            else []
            for t in texts
        ]


def test_the_detector_gives_the_model_only_unexplained_sentences_in_one_batch() -> None:
    model = Recorder()
    detector = Detector(
        parties=[Party("Dylan Jones", Role.PERSON_ON_PROBATION, key="dj")],
        ner=CombinedFinder([model, TitledNameFinder()]),
    )
    first, second = detector.propose_sections(
        [
            "Dylan Jones was seen by the Probation Service. He met Marta Silva.",
            "The panel met. Dr Okafor spoke to Jones at 14 Mill Lane.",
        ]
    )
    assert model.calls == 1
    assert model.read == ["He met Marta Silva.", "Dr Okafor spoke to Jones at 14 Mill Lane."]
    assert [p.text for p in first if p.source is Source.NER] == ["Silva"]
    # The title rule still reads everything.
    assert [p.text for p in second if p.source is Source.NER] == ["Dr Okafor"]
