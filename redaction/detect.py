"""All the detectors together: one list of proposals for a reviewer, without duplicates."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from redaction.model import Party, Proposal, Source
from redaction.ner import EntityFinder, entity_proposals, find_in_sections
from redaction.parties import COMMON_WORD_NAMES, PartyMatcher, plain_tokens
from redaction.patterns import DEFAULT_CASE_REFERENCE_PATTERNS, find_patterns

# When two detectors claim the same words, the reviewer sees the most specific reason.
_PRIORITY = {Source.MANUAL: 0, Source.PARTY: 1, Source.PATTERN: 2, Source.NER: 3}


@dataclass
class Detector:
    """The detectors for one case: its parties, the patterns and, if wanted, a recogniser.

    Build it once per case (compiling every name variant takes a moment) and call `propose`
    for each section of the review.
    """

    parties: Sequence[Party] = ()
    keep_visible: Iterable[str] = ()
    patterns: bool = True
    case_reference_patterns: Sequence[str] = DEFAULT_CASE_REFERENCE_PATTERNS
    ner: EntityFinder | None = None
    _matcher: PartyMatcher = field(init=False, repr=False)
    _visible: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._matcher = PartyMatcher(self.parties)
        self._visible = frozenset(self.keep_visible)

    @property
    def labels(self) -> dict[str, str]:
        return self._matcher.labels

    def propose(self, text: str) -> list[Proposal]:
        """Every proposed redaction in `text`, in order, each with its reason."""
        return self.propose_sections([text])[0]

    def propose_sections(self, texts: Sequence[str]) -> list[list[Proposal]]:
        """Proposals for each section of one review.

        A name the recogniser found in any section is proposed wherever else it appears in the
        review, so the sections of one document are best proposed together.
        """
        known = []
        # Each section's words, found once for the parties and the recogniser's screen.
        words = [plain_tokens(text) for text in texts]
        for text, tokens in zip(texts, words, strict=True):
            found = self._matcher.propose(text, keep_visible=self._visible, tokens=tokens)
            if self.patterns:
                found.extend(find_patterns(text, self.case_reference_patterns))
            known.append(found)
        entities: list[list[Proposal]] = [[] for _ in texts]
        visible = [self._visible_mentions(text) for text in texts]
        if self.ner is not None:
            # The recogniser reads only sentences with a capitalised word these do not explain.
            explained = [
                [(p.start, p.end) for p in (*found, *seen)]
                for found, seen in zip(known, visible, strict=True)
            ]
            for k, found_in in enumerate(
                find_in_sections(self.ner, texts, explained, COMMON_WORD_NAMES, tokens=words)
            ):
                entities[k] = entity_proposals(self.ner, texts[k], found_in)
        recognised = {e.text: e for found in entities for e in found if len(e.text) >= 3}
        results = []
        for text, found_here, found, visible_spans in zip(
            texts, entities, known, visible, strict=True
        ):
            if self.ner is not None:
                more = found_here + _other_occurrences(text, found_here, recognised)
                # A recognised name that is a party the recipient may see stays visible too.
                found.extend(e for e in more if not _inside_any(e, visible_spans))
            results.append(deduplicate(found))
        return results

    def _visible_mentions(self, text: str) -> list[Proposal]:
        if not self._visible:
            return []
        return [
            p
            for p in self._matcher.propose(text)
            if p.party is not None and p.party in self._visible
        ]


def propose_redactions(
    text: str,
    parties: Sequence[Party] = (),
    *,
    keep_visible: Iterable[str] = (),
    patterns: bool = True,
    case_reference_patterns: Sequence[str] = DEFAULT_CASE_REFERENCE_PATTERNS,
    ner: EntityFinder | None = None,
) -> list[Proposal]:
    """Every proposed redaction in `text`: known parties, identifiers and, with `ner`, names."""
    detector = Detector(
        parties=parties,
        keep_visible=keep_visible,
        patterns=patterns,
        case_reference_patterns=case_reference_patterns,
        ner=ner,
    )
    return detector.propose(text)


def _other_occurrences(
    text: str, entities: Sequence[Proposal], by_text: dict[str, Proposal]
) -> list[Proposal]:
    """The same words wherever else they appear: a recogniser judges each place on its own,
    and a name it recognised once must not be left standing a page later."""
    if not by_text:
        return []
    pattern = re.compile(
        r"(?<!\w)(?:"
        + "|".join(re.escape(t) for t in sorted(by_text, key=len, reverse=True))
        + r")(?!\w)"
    )
    taken = {(e.start, e.end) for e in entities}
    more = []
    for match in pattern.finditer(text):
        if match.span() in taken:
            continue
        first = by_text[match.group()]
        more.append(
            dataclasses.replace(
                first,
                start=match.start(),
                end=match.end(),
                reason=f"{first.reason}; the same words were recognised elsewhere",
            )
        )
    return more


def _inside_any(proposal: Proposal, spans: Sequence[Proposal]) -> bool:
    return any(s.start <= proposal.start and proposal.end <= s.end for s in spans)


def deduplicate(proposals: Iterable[Proposal]) -> list[Proposal]:
    """Drop each proposal that lies wholly inside one of higher or equal standing.

    Overlapping proposals that neither contains are both kept: the reviewer may accept either,
    and `apply_redactions` resolves what remains.
    """
    ordered = sorted(proposals, key=lambda p: (_PRIORITY[p.source], -(p.end - p.start), p.start))
    kept: list[Proposal] = []
    for proposal in ordered:
        if any(k.start <= proposal.start and proposal.end <= k.end for k in kept):
            continue
        kept.append(proposal)
    return sorted(kept, key=lambda p: (p.start, -p.end, _PRIORITY[p.source]))
