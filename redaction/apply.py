"""Making the accepted redactions: the text with each accepted span replaced, and the review
operations (accept, reject, add by selecting text) the web layer offers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from redaction.model import REDACTED, Party, Proposal, RedactionError, Source, State
from redaction.parties import COMMON_WORD_NAMES, MONTH_NAMES
from redaction.text import fold, tokenise

# Which replacement wins when overlapping redactions are merged and none covers the others.
_PRIORITY = {Source.MANUAL: 0, Source.PARTY: 1, Source.PATTERN: 2, Source.NER: 3}


def apply_redactions(text: str, redactions: Iterable[Proposal]) -> str:
    """`text` with every accepted redaction replaced by its replacement.

    Rejected redactions are skipped. A redaction still awaiting a decision raises
    `RedactionError`, so an unfinished review cannot be issued by accident; so does one whose
    `text` no longer matches the text at its offsets (the text changed since it was proposed).

    Overlapping redactions are merged into one: everything any of them covers is removed and
    replaced once, by the replacement of the redaction covering the most characters (ties: a
    manual one, then a party, a pattern, a recogniser's; then the earliest). Touching ones stay
    separate. The result is the same whatever order the redactions come in.
    """
    accepted: list[Proposal] = []
    for redaction in redactions:
        if redaction.state is State.PROPOSED:
            raise RedactionError(
                f"The redaction of {redaction.text!r} has been neither accepted nor rejected."
            )
        if redaction.end > len(text) or text[redaction.start : redaction.end] != redaction.text:
            raise RedactionError(
                f"The redaction of {redaction.text!r} at {redaction.start} does not match the "
                "text any more."
            )
        if redaction.state is State.ACCEPTED:
            accepted.append(redaction)

    pieces: list[str] = []
    position = 0
    for start, end, replacement in merge(accepted):
        pieces.append(text[position:start])
        pieces.append(replacement)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def merge(redactions: Sequence[Proposal]) -> list[tuple[int, int, str]]:
    """Overlapping redactions as single (start, end, replacement) spans, in text order."""
    ordered = sorted(redactions, key=lambda r: (r.start, r.end))
    clusters: list[list[Proposal]] = []
    cluster_end = -1
    for redaction in ordered:
        if clusters and redaction.start < cluster_end:
            clusters[-1].append(redaction)
            cluster_end = max(cluster_end, redaction.end)
        else:
            clusters.append([redaction])
            cluster_end = redaction.end
    merged = []
    for cluster in clusters:
        best = min(cluster, key=lambda r: (-(r.end - r.start), _PRIORITY[r.source], r.start))
        merged.append((cluster[0].start, max(r.end for r in cluster), best.replacement))
    return merged


def add_manual(
    text: str,
    start: int,
    end: int,
    reason: str = "Added by the reviewer",
    replacement: str = REDACTED,
) -> Proposal:
    """A redaction a person made by selecting `text[start:end]`; accepted as they made it.

    Surrounding spaces of the selection are left out, so a sloppy selection does not eat the
    spaces between words.
    """
    if not 0 <= start < end <= len(text):
        raise RedactionError("The selection is outside the text.")
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise RedactionError("The selection has only spaces in it.")
    return Proposal(
        start=start,
        end=end,
        text=text[start:end],
        reason=reason,
        replacement=replacement,
        source=Source.MANUAL,
        state=State.ACCEPTED,
        kind="manual",
    )


def decide(proposals: list[Proposal], index: int, state: State) -> list[Proposal]:
    """The proposals with the one at `index` accepted, rejected or back to proposed."""
    if not 0 <= index < len(proposals):
        raise RedactionError("There is no such redaction.")
    changed = list(proposals)
    changed[index] = proposals[index].moved_to(state)
    return changed


def accept_all(proposals: Iterable[Proposal]) -> list[Proposal]:
    """Every proposal still awaiting a decision accepted; decided ones unchanged."""
    return [p.moved_to(State.ACCEPTED) if p.state is State.PROPOSED else p for p in proposals]


def forbidden_strings(
    proposals: Iterable[Proposal],
    parties: Iterable[Party] = (),
    *,
    keep_visible: Iterable[str] = (),
) -> list[str]:
    """What must not appear anywhere in an issued extract, for `verify_pdf`.

    The text of every accepted redaction, and every party's name and the parts of it, except:
    the parties the recipient may see; a lone ordinary word ("Hope", "May"), which would
    otherwise stop any extract that says "I hope" or "in May" from being issued (such mentions
    are the reviewer's call, made proposal by proposal); any text the reviewer rejected as
    not being the person ("Lee" in "Lee Valley"); and a lone word of one of the labels put in
    the text, which the extract must contain ("Person" in "the person on probation").
    """
    proposals = list(proposals)
    visible = frozenset(keep_visible)
    rejected = {fold(p.text) for p in proposals if p.state is State.REJECTED}
    rejected |= {fold(t.text) for p in proposals for t in tokenise(p.replacement)}
    candidates = [p.text for p in proposals if p.state is State.ACCEPTED]
    for party in parties:
        if party.ident in visible:
            continue
        for name in (party.name, *party.aliases):
            candidates.append(name)
            candidates.extend(t.text for t in tokenise(name))
    found: dict[str, str] = {}
    for candidate in candidates:
        text = " ".join(candidate.split())
        text = re.sub(r"['’]s?$", "", text)
        folded = fold(text)
        words = [t.norm for t in tokenise(text)]
        # Two letters are enough to name someone ("Al", "Wu", "ZS"): `verify_pdf` matches them
        # as whole words, so "also" does not stop an extract. A lone letter could be any word.
        if len(folded) < 2 or folded in rejected or _ordinary_word(text, words):
            continue
        found.setdefault(folded, text)
    return sorted(found.values())


def _ordinary_word(text: str, words: list[str]) -> bool:
    if len(words) != 1 or any(c.isdigit() for c in text):
        return False
    return words[0] in COMMON_WORD_NAMES or words[0] in MONTH_NAMES
