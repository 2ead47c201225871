"""One recipient's PDF of a redacted extract, and the check that no redacted text is in it.

The PDF is made only from text that has already been redacted: nothing is drawn over anything,
so there is nothing underneath to recover. `verify_pdf` reads the file back as anyone could
(every page's text, the document information, XMP metadata, bookmarks, annotations and form
fields) and reports each forbidden string it finds; the issuing code refuses to issue then.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from html import escape
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from redaction.model import REDACTED
from redaction.paragraphs import Run, for_reading

MARKING = "OFFICIAL-SENSITIVE"
AUTHOR = "Multi-agency learning panel portal"
TITLE = "Redacted extract of a Serious Further Offence review"

PAGE_WIDTH, PAGE_HEIGHT = A4
SIDE_MARGIN = 20 * mm
TOP_MARGIN = 28 * mm
BOTTOM_MARGIN = 24 * mm
TEXT_COLOUR = colors.HexColor("#0b0c0c")
SECONDARY_COLOUR = colors.HexColor("#505a5f")

FONT = "ExtractSans"
BOLD_FONT = "ExtractSans-Bold"
# DejaVu Sans (Debian's fonts-dejavu-core) has the letters of far more names than reportlab's
# own Vera; Vera ships with reportlab, so an extract can always be made.
_FONT_FILES = (("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), ("Vera.ttf", "VeraBd.ttf"))
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Section:
    """A heading and its already-redacted text, cut into paragraphs by
    `redaction.paragraphs.paragraphs`."""

    heading: str
    text: str


@cache
def _register_fonts() -> None:
    for regular, bold in _FONT_FILES:
        try:
            fonts = [TTFont(FONT, regular), TTFont(BOLD_FONT, bold)]
        except TTFError:
            continue
        for font in fonts:
            pdfmetrics.registerFont(font)
        pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD_FONT)
        return
    raise RuntimeError("No font for extracts: neither DejaVu Sans nor reportlab's Vera found.")


def format_date(day: date) -> str:
    """A date as the portal shows it: "3 March 2026"."""
    return f"{day.day} {day:%B %Y}"


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=15, textColor=TEXT_COLOUR)
    return {
        "body": base,
        "title": ParagraphStyle("title", base, fontName=BOLD_FONT, fontSize=20, leading=25),
        "h2": ParagraphStyle(
            "h2", base, fontName=BOLD_FONT, fontSize=14, leading=19, spaceBefore=10, spaceAfter=4
        ),
        "para": ParagraphStyle("para", base, spaceAfter=6, leftIndent=28, firstLineIndent=-28),
        "guide": ParagraphStyle("guide", base, spaceAfter=6),
        "bullet": ParagraphStyle("bullet", base, leftIndent=14, bulletIndent=2, spaceAfter=3),
    }


def _clean(text: str) -> str:
    return escape(_CONTROL_CHARACTERS.sub("", text), quote=False)


def _marked(runs: Sequence[Run]) -> str:
    # No tags in this PDF for a screen reader: a label is set in bold, as the guidance says.
    return "".join(f"<b>{_clean(run.text)}</b>" if run.label else _clean(run.text) for run in runs)


class _ExtractDocument(SimpleDocTemplate):
    """Each heading, as it is drawn, becomes an entry of the PDF's outline (its bookmarks)."""

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name in _OUTLINED:
            key = f"heading-{id(flowable)}"
            self.canv.bookmarkPage(key)
            level = _OUTLINED[flowable.style.name]
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=level, closed=False)


# Paragraph styles that are headings, and their level in the outline.
_OUTLINED = {"title": 0, "h2": 1}


def _guidance(
    styles: dict[str, ParagraphStyle],
    recipient: str,
    labels: Sequence[str],
    comments_by: date | None,
    contact: str,
) -> list[Any]:
    s = styles
    story: list[Any] = [
        Paragraph(_clean(TITLE), s["title"]),
        Spacer(0, 6 * mm),
        Paragraph(f"Issued to {_clean(recipient)}", s["h2"]),
        Paragraph(
            "This extract was prepared for you personally because your practice is discussed "
            "in the review. Do not copy it, forward it or show it to anyone else. It is marked "
            f"{MARKING}: keep it securely and delete it when you no longer need it.",
            s["guide"],
        ),
        Paragraph("How to read this extract", s["h2"]),
        Paragraph(
            "Names, addresses, identifiers and other people's details have been removed. "
            "People who were involved in the case are called by a label for their role, and "
            "each label means the same person everywhere in the extract.",
            s["guide"],
        ),
    ]
    if labels:
        story.append(Paragraph("Labels used in this extract, set in bold in the text:", s["guide"]))
        story.extend(Paragraph(_clean(label), s["bullet"], bulletText="•") for label in labels)
    story += [
        Paragraph(
            "<b>[redacted]</b> marks where other text was removed: another person's name, a "
            "place, an address, a phone number, a date of birth or a reference number.",
            s["guide"],
        ),
        Paragraph(
            "Paragraphs are numbered by section (for example 2.3 is the third paragraph of the "
            "second section), so that you can refer to them.",
            s["guide"],
        ),
        Paragraph("How to send factual-accuracy comments", s["h2"]),
        Paragraph(
            "If something in this extract is factually wrong, tell the panel chair. Open the "
            "extract in the portal and choose 'Send a factual-accuracy comment'. For each "
            "comment, give the paragraph number, what is wrong and what is right, and how you "
            "know. Comments are about facts; the panel's analysis and learning are not changed "
            "through them.",
            s["guide"],
        ),
    ]
    if comments_by is not None:
        story.append(
            Paragraph(f"Send comments by {format_date(comments_by)}.", s["guide"]),
        )
    story.append(Paragraph(_clean(contact), s["guide"]))
    story.append(PageBreak())
    return story


def render_extract(
    sections: Sequence[Section],
    *,
    recipient: str,
    reference: str,
    issued_on: date,
    labels: Sequence[str] = (),
    comments_by: date | None = None,
    contact: str = "If you cannot use the portal, contact the panel chair.",
) -> bytes:
    """The recipient's PDF: a page of guidance, then the redacted sections.

    Every page carries the protective marking at top and bottom, the recipient's name, the
    extract's reference and the issue date. The document information holds only the title,
    the marking, the reference and the language (en-GB); the outline (bookmarks) holds the
    headings, as drawn; there are no links or annotations. Sections are laid out as the
    portal's page shows them (`redaction.paragraphs.for_reading`): lines joined into
    paragraphs, each heading numbered once, and the `labels` (and "[redacted]") in bold.
    `sections` must already be redacted: this function draws what it is given.
    """
    _register_fonts()
    styles = _styles()
    header = f"Issued to {recipient}  ·  Extract {reference}  ·  Issued {format_date(issued_on)}"

    def decorate(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(TEXT_COLOUR)
        canvas.setFont(BOLD_FONT, 11)
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 12 * mm, MARKING)
        canvas.drawCentredString(PAGE_WIDTH / 2, 10 * mm, MARKING)
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(SECONDARY_COLOUR)
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 18 * mm, header)
        canvas.drawRightString(PAGE_WIDTH - SIDE_MARGIN, 16 * mm, f"Page {canvas.getPageNumber()}")
        canvas.restoreState()

    story = _guidance(styles, recipient, labels, comments_by, contact)
    laid_out = for_reading([(s.heading, s.text) for s in sections], [*labels, REDACTED])
    for section in laid_out:
        story.append(Paragraph(_clean(section.heading), styles["h2"]))
        story.extend(
            Paragraph(f"{paragraph.number}&nbsp;&nbsp;{_marked(paragraph.runs)}", styles["para"])
            for paragraph in section.paragraphs
        )

    buffer = io.BytesIO()
    document = _ExtractDocument(
        buffer,
        pagesize=A4,
        leftMargin=SIDE_MARGIN,
        rightMargin=SIDE_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=f"Redacted review extract {reference}",
        author=AUTHOR,
        subject=MARKING,
        creator=AUTHOR,
        keywords="",
        lang="en-GB",
        displayDocTitle=True,
    )

    def first_page(canvas: Canvas, doc: Any) -> None:
        canvas.showOutline()  # a reader's viewer opens with the headings beside the text
        decorate(canvas, doc)

    document.build(story, onFirstPage=first_page, onLaterPages=decorate)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Reading it back


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.casefold().split())


def pdf_texts(pdf_bytes: bytes) -> list[str]:
    """Everything a reader of the PDF can get at as text, one string per place it lives."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf_bytes))
    texts: list[str] = []
    for page in reader.pages:
        texts.append(page.extract_text() or "")
        for annotation in page.get("/Annots") or []:
            texts.extend(_strings(annotation.get_object()))
    if reader.metadata:
        texts.extend(str(value) for value in reader.metadata.values())
    metadata = reader.root_object.get("/Metadata")
    if metadata is not None:
        texts.append(metadata.get_object().get_data().decode("utf-8", "replace"))
    texts.extend(_outline_titles(reader.outline))
    for field in (reader.get_fields() or {}).values():
        texts.extend(str(v) for k, v in field.items() if k in ("/V", "/T", "/TU", "/DV"))
    return texts


def _strings(obj: Any, depth: int = 0) -> list[str]:
    # An annotation's text lives in /Contents, /T, /RC, a link's /URI...: take every string.
    if depth > 6:
        return []
    obj = obj.get_object() if hasattr(obj, "get_object") else obj
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, bytes):
        return [obj.decode("latin-1")]
    if isinstance(obj, dict):
        return [
            s for key, value in obj.items() if key != "/Parent" for s in _strings(value, depth + 1)
        ]
    if isinstance(obj, list):
        return [s for value in obj for s in _strings(value, depth + 1)]
    return []


def _outline_titles(outline: Any) -> list[str]:
    titles: list[str] = []
    for item in outline:
        if isinstance(item, list):
            titles.extend(_outline_titles(item))
        else:
            titles.append(str(item.title))
    return titles


# Below this length a forbidden string is only looked for as a whole word: "Lee" with the
# spaces taken out would be found in "fleeing".
_MIN_JOINED_LENGTH = 6
_PREFIX = 4
_TOKEN = re.compile(r"\w+|[^\w\s]")


def verify_pdf(pdf_bytes: bytes, forbidden: Iterable[str]) -> list[str]:
    """Every forbidden string found anywhere in the PDF; an empty list means it is clean.

    Case, accents' forms, curly quotes and runs of spaces and line breaks are ignored. Each
    string is looked for as whole words in the text as read, and, if it has at least six
    letters, also in the text with every space and line break removed and with hyphens removed
    too, so a name set as "J o h n", broken over a line or hyphenated at a line end is found.
    The search takes one pass over the text however many strings are forbidden.
    """
    haystack = "\n".join(_normal(t) for t in pdf_texts(pdf_bytes))
    items = list(dict.fromkeys(forbidden))
    found: set[str] = set()

    # Whole words: the text's words, each position tried against the strings starting there.
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for item in items:
        words = tuple(_TOKEN.findall(_normal(item)))
        if words:
            by_first.setdefault(words[0], []).append((words, item))
    tokens = _TOKEN.findall(haystack)
    for i, token in enumerate(tokens):
        for words, item in by_first.get(token, ()):
            if item not in found and tuple(tokens[i : i + len(words)]) == words:
                found.add(item)

    # Spaces, line breaks and hyphens taken out.
    joined = re.sub(r"\s+", "", haystack)
    for text, drop in ((joined, ""), (joined.replace("-", ""), "-")):
        by_prefix: dict[str, list[tuple[str, str]]] = {}
        for item in items:
            needle = re.sub(r"\s+", "", _normal(item))
            if drop:
                needle = needle.replace(drop, "")
            if len(needle) >= _MIN_JOINED_LENGTH and item not in found:
                by_prefix.setdefault(needle[:_PREFIX], []).append((needle, item))
        if not by_prefix:
            continue
        for i in range(len(text) - _PREFIX + 1):
            candidates = by_prefix.get(text[i : i + _PREFIX])
            if candidates:
                for needle, item in candidates:
                    if item not in found and text.startswith(needle, i):
                        found.add(item)
    return [item for item in items if item in found]
