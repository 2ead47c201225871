"""What every PDF of the portal shares: protective marking, title, page numbers, rich text."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from html import escape as html_escape
from html.parser import HTMLParser
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from portal import clock
from portal.templating import format_datetime

MARKING = "OFFICIAL-SENSITIVE"
AUTHOR = "Multi-agency learning panel portal"

TEXT_COLOUR = colors.HexColor("#0b0c0c")
SECONDARY_TEXT_COLOUR = colors.HexColor("#505a5f")
BORDER_COLOUR = colors.HexColor("#b1b4b6")
LINK_COLOUR = "#1d70b8"

PAGE_WIDTH, PAGE_HEIGHT = A4
SIDE_MARGIN = 20 * mm
# Room above and below the text for the protective marking and the page number.
TOP_MARGIN = 24 * mm
BOTTOM_MARGIN = 26 * mm
# reportlab's frames pad their content by 6pt on each side; tables must fit inside that.
TEXT_LEFT = SIDE_MARGIN + 6
TEXT_WIDTH = PAGE_WIDTH - 2 * TEXT_LEFT

FONT = "PortalSans"
BOLD_FONT = "PortalSans-Bold"

# DejaVu Sans (Debian's fonts-dejavu-core) covers far more names than reportlab's own Vera,
# e.g. Polish and Czech letters; Vera ships with reportlab, so a PDF can always be made.
_FONT_FILES = (
    (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique.ttf",
    ),
    ("Vera.ttf", "VeraBd.ttf", "VeraIt.ttf", "VeraBI.ttf"),
)
_FACES = (FONT, BOLD_FONT, "PortalSans-Italic", "PortalSans-BoldItalic")

# Characters a PDF text string cannot usefully hold; reportlab's parser may choke on them.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINK_SCHEMES = ("http://", "https://", "mailto:")


@cache
def _register_fonts() -> None:
    for files in _FONT_FILES:
        try:
            fonts = [TTFont(name, file) for name, file in zip(_FACES, files, strict=True)]
        except TTFError:
            continue
        for font in fonts:
            pdfmetrics.registerFont(font)
        pdfmetrics.registerFontFamily(
            FONT, normal=_FACES[0], bold=_FACES[1], italic=_FACES[2], boldItalic=_FACES[3]
        )
        return
    raise RuntimeError("no sans-serif TrueType font found for PDFs")


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    label: ParagraphStyle
    cell: ParagraphStyle
    cell_label: ParagraphStyle
    secondary: ParagraphStyle


@cache
def styles() -> Styles:
    """The paragraph styles every PDF uses: sans-serif, 11pt body text."""
    _register_fonts()
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=11,
        leading=15,
        textColor=TEXT_COLOUR,
        alignment=TA_LEFT,
        spaceAfter=6,
        bulletFontName=FONT,
    )
    return Styles(
        title=ParagraphStyle(
            "title", parent=body, fontName=BOLD_FONT, fontSize=18, leading=23, spaceAfter=4
        ),
        heading=ParagraphStyle(
            "heading",
            parent=body,
            fontName=BOLD_FONT,
            fontSize=15,
            leading=19,
            spaceBefore=14,
            spaceAfter=6,
            keepWithNext=1,
        ),
        subheading=ParagraphStyle(
            "subheading",
            parent=body,
            fontName=BOLD_FONT,
            fontSize=12.5,
            leading=16,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,
        ),
        body=body,
        label=ParagraphStyle(
            "label", parent=body, fontName=BOLD_FONT, spaceBefore=4, spaceAfter=2, keepWithNext=1
        ),
        cell=ParagraphStyle("cell", parent=body, fontSize=10, leading=13, spaceAfter=0),
        cell_label=ParagraphStyle(
            "cell_label", parent=body, fontName=BOLD_FONT, fontSize=10, leading=13, spaceAfter=0
        ),
        secondary=ParagraphStyle(
            "secondary", parent=body, fontSize=10, leading=13, textColor=SECONDARY_TEXT_COLOUR
        ),
    )


def escape(text: str) -> str:
    """Plain text made safe for a reportlab Paragraph, whose own markup it must not become.

    Line breaks are kept, as people typed them.
    """
    return _escape_words(text.replace("\r\n", "\n")).replace("\n", "<br/>")


def _escape_words(text: str) -> str:
    return html_escape(_CONTROL_CHARACTERS.sub("", text), quote=False)


def text_paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: names, places, roles, anything not written as rich text."""
    return Paragraph(escape(text), style)


def details_table(rows: Sequence[tuple[str, str]]) -> Table:
    """Labels and plain-text values, one pair a row, like a GOV.UK summary list."""
    s = styles()
    table = Table(
        [
            [text_paragraph(label, s.cell_label), text_paragraph(value, s.cell)]
            for label, value in rows
        ],
        colWidths=[45 * mm, TEXT_WIDTH - 45 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, BORDER_COLOUR),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


# The styles that are headings, and their level in the PDF's outline (its bookmarks).
_OUTLINE_LEVELS = {"title": 0, "heading": 1, "subheading": 2}


class _OutlinedDocument(SimpleDocTemplate):
    """Each heading, as it is drawn, becomes an entry of the outline, so that a reader can
    move through the PDF by its headings (the PDF has no tags for a screen reader to)."""

    _entries = 0
    # The levels of the headings the next one may sit under, outermost first.
    _open: tuple[int, ...] = ()

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, Paragraph):
            return
        level = _OUTLINE_LEVELS.get(flowable.style.name)
        if level is None:
            return
        # An outline cannot skip a level: a subheading straight under the title sits one
        # below it, as do the subheadings after it.
        self._open = tuple(open_level for open_level in self._open if open_level < level)
        key = f"heading-{self._entries}"
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(flowable.getPlainText(), key, level=len(self._open), closed=False)
        self._entries, self._open = self._entries + 1, (*self._open, level)


def build_pdf(
    title: str,
    story: Sequence[Flowable],
    *,
    generated_at: datetime | None = None,
) -> bytes:
    """An A4 PDF: title, when it was generated, then the story; each page marked and numbered.

    The document information holds its title, author, subject and language (en-GB), and its
    outline every title, heading and subheading, opened beside the text."""
    s = styles()
    generated_at = generated_at or clock.now()
    buffer = io.BytesIO()
    document = _OutlinedDocument(
        buffer,
        pagesize=A4,
        leftMargin=SIDE_MARGIN,
        rightMargin=SIDE_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=title,
        author=AUTHOR,
        creator=AUTHOR,
        subject=f"{MARKING}: {title}",
        keywords=[MARKING],
        lang="en-GB",
        displayDocTitle=True,
    )
    heading = [
        text_paragraph(title, s.title),
        text_paragraph(f"Generated on {format_datetime(generated_at)}", s.secondary),
    ]
    document.build([*heading, *story], canvasmaker=_numbered_canvas(title))
    return buffer.getvalue()


def _numbered_canvas(title: str) -> Callable[..., Canvas]:
    """A canvas that holds each page back until the last, so each can say 'Page n of m'."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []
            # Bookmarks name the page being written, so a held page's wait for it too.
            self._page_bookmarks: list[str] = []
            self.showOutline()

        def bookmarkPage(self, key: str, *args: Any, **kwargs: Any) -> None:
            self._page_bookmarks.append(key)

        def showPage(self) -> None:
            self._held_pages.append(dict(self.__dict__))
            self._page_bookmarks = []
            self._startPage()

        def save(self) -> None:
            total = len(self._held_pages)
            for number, page in enumerate(self._held_pages, start=1):
                self.__dict__.update(page)
                _draw_page_furniture(self, title, number, total)
                for key in page["_page_bookmarks"]:
                    super().bookmarkPage(key)
                super().showPage()
            super().save()

    return NumberedCanvas


def _draw_page_furniture(canvas: Canvas, title: str, number: int, total: int) -> None:
    canvas.saveState()
    canvas.setFillColor(TEXT_COLOUR)
    canvas.setFont(BOLD_FONT, 11)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 13 * mm, MARKING)
    canvas.drawCentredString(PAGE_WIDTH / 2, 15 * mm, MARKING)
    canvas.setFont(FONT, 9)
    canvas.setFillColor(SECONDARY_TEXT_COLOUR)
    page = f"Page {number} of {total}"
    canvas.drawRightString(PAGE_WIDTH - TEXT_LEFT, 9 * mm, page)
    room = TEXT_WIDTH - canvas.stringWidth(page, FONT, 9) - 10 * mm
    canvas.drawString(TEXT_LEFT, 9 * mm, _fit(title, room, canvas))
    canvas.restoreState()


def _fit(text: str, width: float, canvas: Canvas) -> str:
    if canvas.stringWidth(text, FONT, 9) <= width:
        return text
    while text and canvas.stringWidth(text + "…", FONT, 9) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def html_to_flowables(html: str, style: ParagraphStyle) -> list[Flowable]:
    """Paragraphs and lists from the cleaned rich text portal.richtext allows."""
    reader = _RichTextReader(style)
    reader.feed(html)
    reader.close()
    return reader.flowables


@dataclass
class _Inline:
    tag: str
    opening: str
    closing: str
    href: str = ""
    text: list[str] = field(default_factory=list)


@dataclass
class _OpenList:
    ordered: bool
    items: list[ListItem] = field(default_factory=list)
    item: list[Flowable] | None = None


class _RichTextReader(HTMLParser):
    """Turns allowed HTML into flowables; every piece of text is escaped on its way through."""

    def __init__(self, style: ParagraphStyle) -> None:
        super().__init__(convert_charrefs=True)
        self.style = style
        self.flowables: list[Flowable] = []
        # Where finished paragraphs go: the document, or the list item being read.
        self.containers: list[list[Flowable]] = [self.flowables]
        self.lists: list[_OpenList] = []
        self.inline: list[_Inline] = []
        self.markup: list[str] = []
        self.has_text = False
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skipping += 1
        elif tag == "p":
            self._end_paragraph()
        elif tag == "br":
            self.markup.append("<br/>")
        elif tag in ("strong", "b"):
            self._open_inline(_Inline(tag, "<b>", "</b>"))
        elif tag in ("em", "i"):
            self._open_inline(_Inline(tag, "<i>", "</i>"))
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            if href.lower().startswith(_LINK_SCHEMES):
                opening = f'<a href="{html_escape(href, quote=True)}" color="{LINK_COLOUR}"><u>'
                self._open_inline(_Inline(tag, opening, "</u></a>", href=href))
            else:
                self._open_inline(_Inline(tag, "", ""))
        elif tag in ("ul", "ol"):
            self._end_paragraph()
            self.lists.append(_OpenList(ordered=tag == "ol"))
        elif tag == "li":
            self._end_paragraph()
            if not self.lists:
                self.lists.append(_OpenList(ordered=False))
            self._end_item()
            self.lists[-1].item = []
            self.containers.append(self.lists[-1].item)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skipping = max(0, self.skipping - 1)
        elif tag == "p":
            self._end_paragraph()
        elif tag in ("strong", "b", "em", "i", "a"):
            self._close_inline(tag)
        elif tag == "li":
            self._end_paragraph()
            self._end_item()
        elif tag in ("ul", "ol") and self.lists:
            self._end_list()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if not self.has_text:
            data = data.lstrip()
            if not data:
                return
        self.has_text = True
        self.markup.append(_escape_words(data))
        for inline in self.inline:
            inline.text.append(data)

    def close(self) -> None:
        super().close()
        self._end_paragraph()
        while self.lists:
            self._end_list()

    def _open_inline(self, inline: _Inline) -> None:
        self.inline.append(inline)
        self.markup.append(inline.opening)

    def _close_inline(self, tag: str) -> None:
        matches = [i for i, inline in enumerate(self.inline) if inline.tag == tag]
        if not matches:
            return
        index = matches[-1]
        # Close from the innermost outwards, then reopen what was wrongly nested inside.
        inner = self.inline[index + 1 :]
        for inline in reversed(self.inline[index:]):
            self.markup.append(inline.closing)
        closed = self.inline[index]
        if closed.href and " ".join("".join(closed.text).split()) != _shown(closed.href):
            # Printed pages cannot be clicked: show where the link goes.
            self.markup.append(_escape_words(f" ({_shown(closed.href)})"))
        del self.inline[index:]
        for inline in inner:
            self._open_inline(inline)

    def _end_paragraph(self) -> None:
        while self.markup and self.markup[-1] == "<br/>":
            self.markup.pop()
        if self.has_text:
            closing = "".join(inline.closing for inline in reversed(self.inline))
            paragraph = Paragraph("".join(self.markup) + closing, self.style)
            self.containers[-1].append(paragraph)
        self.markup = [inline.opening for inline in self.inline]
        self.has_text = False

    def _end_item(self) -> None:
        current = self.lists[-1]
        if current.item is None:
            return
        self._end_paragraph()
        self.containers.pop()
        current.items.append(ListItem(current.item or [Paragraph("", self.style)]))
        current.item = None

    def _end_list(self) -> None:
        self._end_paragraph()
        self._end_item()
        current = self.lists.pop()
        if not current.items:
            return
        nested = len(self.lists)
        self.containers[-1].append(
            ListFlowable(
                current.items,
                bulletType="1" if current.ordered else "bullet",
                start=None if current.ordered else ("•" if nested == 0 else "–"),
                bulletFormat="%s." if current.ordered else None,
                bulletFontName=FONT,
                bulletFontSize=self.style.fontSize,
                leftIndent=18,
                spaceAfter=self.style.spaceAfter,
            )
        )


def _shown(href: str) -> str:
    return href[len("mailto:") :] if href.lower().startswith("mailto:") else href
