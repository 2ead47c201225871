"""How much of what must be redacted the library proposes, and how much it proposes wrongly,
over the generated review-like passages of bench/review_passages.py, on the tuning seeds and on
the held-out seeds apart.

Run from the repository root: `.venv/bin/python -m bench.redaction_recall [--passages N] [--ner]`.
A script, not a test: it prints figures and checks nothing. The known parties are supplied to
the library, as a chair supplies them; the recogniser is off unless `--ner` is given.

How it scores (letters and digits only: a comma or a line break left between two redactions
leaks nothing):

* recall: the must-go strings whose every letter and digit lies under some proposal, out of
  all must-go strings; character recall counts the letters and digits themselves;
* precision: proposals that overlap a must-go string, out of those that do and those that
  cover something that must stay or plain text; a proposal lying only on text that may go (a
  title, the town of an address) counts neither way and is reported on its own;
* characters proposed wrongly: letters and digits under a proposal that are neither must-go
  nor may-go text;
* planted words that must stay ("hope", chronology dates, agencies) that a proposal touched.

Misses are printed with examples from the tuning set only; the held-out set shows counts,
never its text, so that nobody tunes on it.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bench.review_passages import HELD_OUT_SEEDS, TUNING_SEEDS, Passage, passages
from redaction import EntityFinder, Proposal, default_finder, propose_redactions

TARGET_RECALL = 0.995
EXAMPLES = 3


@dataclass(frozen=True)
class Example:
    seed: int
    category: str
    shown: str  # the string in a little of its context
    note: str


@dataclass
class Score:
    """Counts over one or many passages; `add` sums another passage's counts into these."""

    spans: int = 0
    spans_covered: int = 0
    chars: int = 0
    chars_covered: int = 0
    proposals: int = 0
    proposals_right: int = 0
    proposals_wrong: int = 0
    proposals_on_may_go: int = 0
    chars_proposed_wrongly: int = 0
    text_chars: int = 0
    planted: int = 0
    planted_touched: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    missed_by_category: Counter[str] = field(default_factory=Counter)
    by_style: Counter[str] = field(default_factory=Counter)
    missed_by_style: Counter[str] = field(default_factory=Counter)
    planted_by_category: Counter[str] = field(default_factory=Counter)
    touched_by_category: Counter[str] = field(default_factory=Counter)
    wrong_by_kind: Counter[str] = field(default_factory=Counter)
    misses: dict[str, list[Example]] = field(default_factory=lambda: defaultdict(list))
    wrong: dict[str, list[Example]] = field(default_factory=lambda: defaultdict(list))

    @property
    def recall(self) -> float:
        return self.spans_covered / self.spans if self.spans else 1.0

    @property
    def char_recall(self) -> float:
        return self.chars_covered / self.chars if self.chars else 1.0

    @property
    def precision(self) -> float:
        judged = self.proposals_right + self.proposals_wrong
        return self.proposals_right / judged if judged else 1.0

    def add(self, other: Score) -> None:
        for name in (
            "spans", "spans_covered", "chars", "chars_covered", "proposals", "proposals_right",
            "proposals_wrong", "proposals_on_may_go", "chars_proposed_wrongly", "text_chars",
            "planted", "planted_touched",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in (
            "by_category", "missed_by_category", "by_style", "missed_by_style",
            "planted_by_category", "touched_by_category", "wrong_by_kind",
        ):  # fmt: skip
            getattr(self, name).update(getattr(other, name))
        for mine, theirs in ((self.misses, other.misses), (self.wrong, other.wrong)):
            for key, examples in theirs.items():
                mine[key].extend(examples[: EXAMPLES - len(mine[key])])


def _mask(length: int, spans: Iterable[tuple[int, int]]) -> bytearray:
    mask = bytearray(length)
    for start, end in spans:
        mask[max(start, 0) : min(end, length)] = b"\x01" * (min(end, length) - max(start, 0))
    return mask


def _context(text: str, start: int, end: int, width: int = 30) -> str:
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    return f"…{before}[{text[start:end]}]{after}…".replace("\n", "⏎")


def score(passage: Passage, proposals: Sequence[Proposal]) -> Score:
    """The counts for one passage and the proposals made for it."""
    text = passage.text
    proposed = _mask(len(text), ((p.start, p.end) for p in proposals))
    must = _mask(len(text), ((s.start, s.end) for s in passage.must_go))
    may = _mask(len(text), ((s.start, s.end) for s in passage.may_go))
    counted = [c.isalnum() for c in text]
    result = Score(text_chars=sum(counted))

    for span in passage.must_go:
        needed = [i for i in range(span.start, span.end) if counted[i]]
        covered = sum(proposed[i] for i in needed)
        result.spans += 1
        result.chars += len(needed)
        result.chars_covered += covered
        result.by_category[span.category] += 1
        result.by_style[passage.style] += 1
        if covered == len(needed):
            result.spans_covered += 1
            continue
        result.missed_by_category[span.category] += 1
        result.missed_by_style[passage.style] += 1
        partly = "".join(text[i] if proposed[i] else "·" for i in range(span.start, span.end))
        note = "nothing proposed" if covered == 0 else f"partly: {partly!r}"
        result.misses[span.category].append(
            Example(passage.seed, span.category, _context(text, span.start, span.end), note)
        )

    for proposal in proposals:
        result.proposals += 1
        if any(s.start < proposal.end and proposal.start < s.end for s in passage.must_go):
            result.proposals_right += 1
        elif all(may[i] for i in range(proposal.start, proposal.end) if counted[i]):
            result.proposals_on_may_go += 1
        else:
            result.proposals_wrong += 1
            kind = proposal.kind or proposal.source.value
            result.wrong_by_kind[kind] += 1
            result.wrong[kind].append(
                Example(
                    passage.seed,
                    kind,
                    _context(text, proposal.start, proposal.end),
                    proposal.reason,
                )
            )

    result.chars_proposed_wrongly = sum(
        1 for i in range(len(text)) if proposed[i] and counted[i] and not must[i] and not may[i]
    )
    for span in passage.must_stay:
        result.planted += 1
        result.planted_by_category[span.category] += 1
        if any(proposed[i] for i in range(span.start, span.end)):
            result.planted_touched += 1
            result.touched_by_category[span.category] += 1
    return result


def evaluate(seeds: Iterable[int], ner: EntityFinder | None) -> tuple[Score, float, int]:
    """The summed score over the passages of `seeds`, the seconds detection took, and how many
    passages there were."""
    total = Score()
    seconds = 0.0
    count = 0
    for passage in passages(seeds):
        began = time.perf_counter()
        found = propose_redactions(passage.text, passage.parties, ner=ner)
        seconds += time.perf_counter() - began
        total.add(score(passage, found))
        count += 1
    return total, seconds, count


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.2f}%" if whole else "     –"


def print_summary(name: str, seeds: Sequence[int], result: Score, seconds: float) -> None:
    judged = result.proposals_right + result.proposals_wrong
    print(
        f"{name:<9} seeds {seeds[0]}-{seeds[-1]} ({len(seeds)} passages, "
        f"{result.text_chars:,} letters and digits, detection {seconds:.1f} s)"
    )
    print(
        f"  recall     {_percent(result.spans_covered, result.spans)} of {result.spans:,} "
        f"must-go strings wholly covered ({result.spans - result.spans_covered} missed); "
        f"characters {_percent(result.chars_covered, result.chars)}"
    )
    print(
        f"  precision  {_percent(result.proposals_right, judged)} "
        f"of {result.proposals:,} proposals overlap a must-go string "
        f"({result.proposals_wrong} wrong, {result.proposals_on_may_go} only on may-go text); "
        f"{result.chars_proposed_wrongly:,} characters proposed wrongly"
    )
    print(
        f"  planted words that must stay: {result.planted_touched} of {result.planted:,} "
        "touched by a proposal"
    )
    verdict = "met" if result.recall >= TARGET_RECALL else "NOT met"
    print(f"  target recall >= {100 * TARGET_RECALL:.1f}%: {verdict}")


def print_categories(result: Score, *, examples: bool) -> None:
    rows = sorted(
        result.by_category,
        key=lambda c: (-result.missed_by_category[c], -result.by_category[c], c),
    )
    for category in rows:
        total, missed = result.by_category[category], result.missed_by_category[category]
        recall = _percent(total - missed, total)
        print(f"  {category:<44} {missed:5d} of {total:5d} missed  recall {recall}")
        if examples:
            for example in result.misses.get(category, []):
                print(f"      seed {example.seed}: {example.shown}  ({example.note})")


def print_styles(result: Score) -> None:
    for style in sorted(result.by_style):
        total, missed = result.by_style[style], result.missed_by_style[style]
        recall = _percent(total - missed, total)
        print(f"  {style:<20} {missed:5d} of {total:5d} missed  recall {recall}")


def print_wrong(result: Score, *, examples: bool) -> None:
    if not result.wrong_by_kind:
        print("  none")
    for kind, count in result.wrong_by_kind.most_common():
        print(f"  {kind:<30} {count:5d}")
        if examples:
            for example in result.wrong.get(kind, []):
                print(f"      seed {example.seed}: {example.shown}  ({example.note})")
    touched = [(c, n) for c, n in result.touched_by_category.most_common() if n]
    if touched:
        print("  planted words that must stay, touched:")
        for category, count in touched:
            print(f"    {category:<40} {count:4d} of {result.planted_by_category[category]:5d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--passages", type=int, default=None, help="use only the first N seeds of each set"
    )
    parser.add_argument("--ner", action="store_true", help="also run the recogniser")
    args = parser.parse_args()

    # Without spaCy installed the default finder is the title rule alone; its name says so.
    finder = default_finder() if args.ner else None
    shown = getattr(finder, "name", "on") if finder else "off (known parties and patterns only)"
    print(f"recogniser: {shown}")
    tuning = list(TUNING_SEEDS)[: args.passages]
    held_out = list(HELD_OUT_SEEDS)[: args.passages]
    tuned, tuned_s, _ = evaluate(tuning, finder)
    held, held_s, _ = evaluate(held_out, finder)

    print()
    print_summary("tuning", tuning, tuned, tuned_s)
    print_summary("held out", held_out, held, held_s)
    print("\nMisses by style (tuning | held out):")
    print("  tuning:")
    print_styles(tuned)
    print("  held out:")
    print_styles(held)
    print(f"\nMisses by category, tuning set, with up to {EXAMPLES} examples each:")
    print_categories(tuned, examples=True)
    print("\nMisses by category, held-out set (counts only; its text is not shown):")
    print_categories(held, examples=False)
    print(f"\nWrong proposals by kind, tuning set, with up to {EXAMPLES} examples each:")
    print_wrong(tuned, examples=True)
    print("\nWrong proposals by kind, held-out set (counts only):")
    print_wrong(held, examples=False)


if __name__ == "__main__":
    main()
