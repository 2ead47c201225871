"""The generated review passages are what they claim to be, and the recall bench scores them
as it says."""

from __future__ import annotations

import re

import pytest

from bench.redaction_recall import score
from bench.review_passages import HELD_OUT_SEEDS, STYLES, TUNING_SEEDS, Passage, generate_passage
from redaction import Proposal


@pytest.fixture(scope="module")
def every_passage() -> list[Passage]:
    # Every tuning seed and a fifth of the held-out ones: the same shapes, in under a second.
    return [generate_passage(seed) for seed in (*TUNING_SEEDS, *HELD_OUT_SEEDS[::5])]


def _covering(passage: Passage) -> list[Proposal]:
    return [Proposal(start=s.start, end=s.end, text=s.text, reason="test") for s in passage.must_go]


def test_a_seed_always_gives_the_same_passage() -> None:
    for seed in (0, 7, 199, 10_000, 10_499):
        assert generate_passage(seed) == generate_passage(seed)
    assert generate_passage(1).text != generate_passage(2).text


def test_the_tuning_and_held_out_seeds_are_apart() -> None:
    assert not set(TUNING_SEEDS) & set(HELD_OUT_SEEDS)


def test_every_listed_span_holds_the_text_it_names(every_passage: list[Passage]) -> None:
    styles = set()
    for passage in every_passage:
        seed = passage.seed
        styles.add(passage.style)
        assert passage.must_go
        for span in (*passage.must_go, *passage.may_go, *passage.must_stay):
            assert 0 <= span.start < span.end <= len(passage.text)
            assert passage.text[span.start : span.end] == span.text
        for span in passage.must_go:
            assert any(c.isalnum() for c in span.text), (seed, span)
        ordered = sorted(passage.must_go, key=lambda s: s.start)
        for left, right in zip(ordered, ordered[1:], strict=False):
            assert left.end <= right.start, (seed, left, right)
    assert styles == set(STYLES)


def test_no_party_is_named_outside_the_listed_spans(every_passage: list[Passage]) -> None:
    # A name written in the plain text but not listed would make a right proposal look wrong.
    for passage in every_passage:
        seed = passage.seed
        listed = bytearray(len(passage.text))
        for span in (*passage.must_go, *passage.may_go, *passage.must_stay):
            listed[span.start : span.end] = b"\x01" * (span.end - span.start)
        words = {
            word
            for party in passage.parties
            for name in (party.name, *party.aliases)
            for word in re.findall(r"[^\W\d_]+", name)
            if word[:1].isupper() and len(word) > 1
        }
        pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE
        )
        for match in pattern.finditer(passage.text):
            assert all(listed[match.start() : match.end()]), (seed, match.group())


def test_proposals_on_every_must_go_string_score_full_recall_and_precision() -> None:
    passage = generate_passage(3)
    result = score(passage, _covering(passage))
    assert result.spans == len(passage.must_go)
    assert result.recall == 1.0
    assert result.char_recall == 1.0
    assert result.precision == 1.0
    assert result.chars_proposed_wrongly == 0
    assert sum(result.missed_by_category.values()) == 0


def test_a_must_go_string_left_out_is_a_miss_of_its_category() -> None:
    passage = generate_passage(3)
    proposals = _covering(passage)
    left_out = passage.must_go[1]
    result = score(passage, proposals[:1] + proposals[2:])
    assert result.recall == (len(passage.must_go) - 1) / len(passage.must_go)
    assert result.char_recall < 1.0
    assert result.missed_by_category == {left_out.category: 1}
    assert result.misses[left_out.category][0].seed == 3


def test_a_proposal_covering_part_of_a_string_misses_it_but_is_right() -> None:
    passage = generate_passage(3)
    span = next(s for s in passage.must_go if len(s.text) > 3)
    proposals = [p for p in _covering(passage) if p.start != span.start]
    proposals.append(Proposal(span.start, span.end - 1, span.text[:-1], reason="test"))
    result = score(passage, proposals)
    assert result.spans_covered == len(passage.must_go) - 1
    assert result.precision == 1.0


def test_a_proposal_on_plain_text_is_wrong() -> None:
    passage = generate_passage(3)
    listed = {i for s in (*passage.must_go, *passage.may_go) for i in range(s.start, s.end)}
    start = next(
        i
        for i in range(len(passage.text) - 4)
        if not listed & set(range(i, i + 4)) and passage.text[i : i + 4].isalpha()
    )
    wrong = Proposal(start, start + 4, passage.text[start : start + 4], reason="test")
    result = score(passage, [*_covering(passage), wrong])
    assert result.recall == 1.0
    assert result.proposals_wrong == 1
    assert result.precision < 1.0
    assert result.chars_proposed_wrongly == 4
