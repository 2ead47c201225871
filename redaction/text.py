"""Words of a text with their offsets, rejoined where a line break split them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Letters with apostrophes inside ("O'Brien", "Smith's"); digits and underscores are not words.
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# A word broken at the end of a line ("Smi-\nth") or by a soft hyphen ("Smi\u00adth").
_BROKEN = re.compile(r"(?:-[ \t]*\r?\n[ \t]*|\u00ad[ \t]*(?:\r?\n[ \t]*)?)")
_SENTENCE_END = frozenset('.!?:;•-–—"“([*')
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def fold(text: str) -> str:
    """The form two spellings of a name are compared in: case, accents' forms and quotes."""
    return unicodedata.normalize("NFKC", text).replace("’", "'").casefold()


def unaccented(norm: str) -> str:
    """A folded word without its accents: "Siân" is often typed "Sian", "Zoë" "Zoe"."""
    if norm.isascii():
        return norm
    decomposed = unicodedata.normalize("NFKD", norm)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    norm: str

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def upper(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return bool(letters) and all(c.isupper() for c in letters)


def tokenise(text: str) -> list[Token]:
    """The words of `text`, a word broken across a line by a hyphen counted as one."""
    tokens: list[Token] = []
    for match in _WORD.finditer(text):
        start, end = match.span()
        word = match.group()
        if tokens:
            last = tokens[-1]
            gap = text[last.end : start]
            # "Smi-\nth" is one word; "Smith-\nJones" stays two, since the capital shows the
            # hyphen belongs to the name.
            if _BROKEN.fullmatch(gap) and (word[:1].islower() or "\u00ad" in gap):
                joined = last.text + word
                tokens[-1] = Token(last.start, end, joined, fold(joined))
                continue
        tokens.append(Token(start, end, word, fold(word)))
    return tokens


def at_sentence_start(text: str, start: int) -> bool:
    """Whether the word at `start` opens a sentence, a heading, a list item or a paragraph.

    A capital there says nothing about whether the word is a name. A single line break does not
    count: reviews pasted from PDFs break lines in the middle of sentences.
    """
    before = text[max(0, start - 200) : start]
    stripped = before.rstrip()
    if not stripped or _BLANK_LINE.search(before[len(stripped) :]):
        return True
    return stripped[-1] in _SENTENCE_END
