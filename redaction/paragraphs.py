"""A redacted review laid out for reading, the same in the browser and in the PDF: its lines
joined into paragraphs, its sections and paragraphs numbered once, and the labels that stand
for people picked out of the text."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from redaction.model import REDACTED

# A line ending a sentence, perhaps inside quotes or brackets: "...the address." / "...(2025).)"
_SENTENCE_END = re.compile(r"""[.!?:;]["'”’)\]]*$""")
# ...unless the full stop ends a title or an abbreviation: "Mr." / "e.g." (not a lone capital:
# "Practitioner A." ends far more sentences of an extract than an initial ends a line)
_NOT_AN_END = re.compile(r"(?:^|[\s(])(?:Mr|Mrs|Ms|Mx|Dr|Prof|St|Rev|No|e\.g|i\.e|cf)\.$")
# A line starting a list item: "- ", "• ", "(a) ", "3) ", "iv. "
_LIST_ITEM = re.compile(r"^(?:[-–•*·]\s|\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)]\s)")
# A heading's own number: "1. Introduction", "2.3 Risk"
_OWN_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\.?\s+\S")


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs, each on one line with its spaces tidied.

    Reviews pasted from a PDF or Word break lines in mid-sentence; those lines are joined. A
    paragraph ends at a blank line or at a line ending a sentence (a full stop, question or
    exclamation mark, colon or semicolon, but not the full stop of a title or an abbreviation
    such as "Mr." or "e.g."), and a list item ("- ", "(a) ", "2. ") starts one. A line ending in a
    hyphen joins the next without a space ("risk-" and "assessment").
    """
    found: list[str] = []
    current = ""

    def end() -> None:
        nonlocal current
        if current:
            found.append(current)
        current = ""

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line:
            end()
            continue
        if current and _LIST_ITEM.match(line):
            end()
        if not current:
            current = line
        elif re.search(r"\w-$", current):
            current += line
        else:
            current += " " + line
        if _SENTENCE_END.search(line) and not _NOT_AN_END.search(line):
            end()
    end()
    return found


@dataclass(frozen=True)
class Run:
    """A piece of a paragraph: plain text, or a label put in place of what was redacted."""

    text: str
    label: bool = False

    @property
    def removed(self) -> bool:
        """True for the plain "[redacted]" marker, which stands for no one in particular."""
        return self.label and self.text == REDACTED


@dataclass(frozen=True)
class Paragraph:
    number: str
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class ReadingSection:
    """A section as read: its heading carrying its number once, and its numbered paragraphs."""

    number: str
    heading: str
    paragraphs: tuple[Paragraph, ...]


def label_forms(labels: Iterable[str]) -> list[str]:
    """Each label as it can appear in the text: as given, with a capital at a sentence's
    start, and possessive ("Victim's"); longest first, so "Practitioner AB" wins over
    "Practitioner A"."""
    forms: set[str] = set()
    for label in labels:
        if not label:
            continue
        for form in {label, label[0].upper() + label[1:]}:
            forms |= {form, form + "'s", form + "’s"}
    return sorted(forms, key=lambda form: (-len(form), form))


def mark_labels(text: str, labels: Iterable[str]) -> tuple[Run, ...]:
    """`text` cut into runs, each label (in any of its `label_forms`) a run of its own.

    A label is found as whole words only, and matched exactly (case included), so that "the
    victim" written in the review is not taken for the label "Victim". The text an extract
    holds has no other trace of where redactions were; a review that itself writes a label's
    exact words has them marked too.
    """
    forms = label_forms(labels)
    if not forms or not text:
        return (Run(text),) if text else ()
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, forms)) + r")(?!\w)")
    runs: list[Run] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            runs.append(Run(text[position : match.start()]))
        runs.append(Run(match.group(), label=True))
        position = match.end()
    if position < len(text):
        runs.append(Run(text[position:]))
    return tuple(runs)


def own_number(heading: str) -> str | None:
    """The number a heading is written with ("1. Introduction": "1"), if it has one."""
    match = _OWN_NUMBER.match(heading.strip())
    return match.group(1) if match else None


def for_reading(
    sections: Iterable[Sequence[str]], labels: Iterable[str] = ()
) -> list[ReadingSection]:
    """The (heading, text) sections laid out for reading.

    A heading written with its own number ("1. Introduction") keeps it, once; one without is
    numbered by its place among the sections ("2. Chronology"). Paragraphs are numbered within
    their section ("2.3"), so that a reader can say which one a comment is about.
    """
    labels = list(labels)
    laid_out = []
    for position, (heading, text) in enumerate(sections, start=1):
        heading = " ".join(heading.split())
        number = own_number(heading)
        if number is None:
            number = str(position)
            heading = f"{number}. {heading}"
        laid_out.append(
            ReadingSection(
                number=number,
                heading=heading,
                paragraphs=tuple(
                    Paragraph(f"{number}.{index}", mark_labels(paragraph, labels))
                    for index, paragraph in enumerate(paragraphs(text), start=1)
                ),
            )
        )
    return laid_out
