"""Documents the tests build themselves: a genuine 60-page review as Word and as PDF, and the
hostile files found against the demo (decompression bombs, entity bombs, malformed parts)."""

from __future__ import annotations

import io
import random
import zipfile

import docx
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
)
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

MB = 1024 * 1024
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

_WORDS = [
    "the",
    "practitioner",
    "visited",
    "supervision",
    "plan",
    "risk",
    "assessment",
    "manager",
    "probation",
    "police",
    "housing",
    "officer",
    "meeting",
    "review",
    "of",
    "contact",
    "concerns",
    "recorded",
    "was",
    "not",
    "shared",
    "with",
    "partner",
    "agency",
    "on",
    "after",
    "before",
    "during",
    "licence",
    "conditions",
    "address",
    "victim",
    "safeguarding",
    "referral",
]


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(12, 28))).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def genuine_word_review(pages: int = 60) -> bytes:
    """About `pages` pages of A4 in Word: numbered sections of formatted paragraphs, with a
    chronology table every fourth section; the last section is "Conclusion"."""
    rng = random.Random(pages)
    document = docx.Document()
    sections = pages // 2
    for number in range(1, sections + 1):
        document.add_heading(f"{number}. " + ("Conclusion" if number == sections else "Findings"))
        for _ in range(10):
            paragraph = document.add_paragraph()
            for index, sentence in enumerate(_paragraph(rng).split(". ")):
                paragraph.add_run(sentence + ". ").bold = index == 0
        if number % 4 == 0:
            table = document.add_table(rows=1, cols=3)
            for cell, heading in zip(table.rows[0].cells, ("Date", "Agency", "Event"), strict=True):
                cell.text = heading
            for day in range(1, 16):
                cells = table.add_row().cells
                cells[0].text, cells[1].text, cells[2].text = (
                    f"{day} March 2025",
                    "Probation",
                    _sentence(rng),
                )
    document.add_paragraph("The panel thanks everyone who took part.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def genuine_pdf_review(pages: int = 60) -> bytes:
    """About `pages` pages of A4 text, as a word processor exports it; the last section is
    "Conclusion"."""
    rng = random.Random(pages)
    styles = getSampleStyleSheet()
    story: list[Paragraph | Table] = []
    sections = int(pages * 0.76)
    for number in range(1, sections + 1):
        title = "Conclusion" if number == sections else "Findings"
        story.append(Paragraph(f"{number}. {title}", styles["Heading1"]))
        story.extend(Paragraph(_paragraph(rng), styles["BodyText"]) for _ in range(9))
    story.append(Paragraph("The panel thanks everyone who took part.", styles["BodyText"]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def _blank_word_parts() -> dict[str, bytes]:
    out = io.BytesIO()
    docx.Document().save(out)
    with zipfile.ZipFile(out) as package:
        return {name: package.read(name) for name in package.namelist()}


def word_package(
    replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """A real .docx from python-docx's blank document, with parts replaced or added."""
    parts = _blank_word_parts() | (replace or {}) | (add or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def document_xml(body: bytes, prologue: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        + prologue
        + f'<w:document xmlns:w="{W}"><w:body>'.encode()
        + body
        + b"</w:body></w:document>"
    )


def word_with_body(body: bytes, prologue: bytes = b"") -> bytes:
    return word_package({"word/document.xml": document_xml(body, prologue)})


def many_paragraphs(count: int = 260_000) -> bytes:
    """The finding: a 63 KB .docx of 260,000 tiny paragraphs (25 s, 230 MB in the request)."""
    return word_with_body(b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * count)


def zip_bomb(expanded: int = 60 * MB) -> bytes:
    """A .docx with a highly compressible part: a few tens of kilobytes that expand past 50 MB."""
    return word_package(add={"word/media/image1.png": b"\0" * expanded})


def lying_zip_bomb(expanded: int = 60 * MB) -> bytes:
    """A zip bomb whose part says, in the zip's directory, that it expands to 1 KB."""
    data = bytearray(zip_bomb(expanded))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as package:
        member = package.getinfo("word/media/image1.png")
    # The central directory entry: its signature, then the uncompressed size at offset 24.
    entry = _central_entry(bytes(data), member.filename)
    data[entry + 24 : entry + 28] = (1024).to_bytes(4, "little")
    # The local header: the uncompressed size at offset 22.
    local = member.header_offset
    data[local + 22 : local + 26] = (1024).to_bytes(4, "little")
    return bytes(data)


def _central_entry(data: bytes, filename: str) -> int:
    name = filename.encode()
    position = data.index(b"PK\x01\x02")
    while True:
        name_length = int.from_bytes(data[position + 28 : position + 30], "little")
        if data[position + 46 : position + 46 + name_length] == name:
            return position
        extra = int.from_bytes(data[position + 30 : position + 32], "little")
        comment = int.from_bytes(data[position + 32 : position + 34], "little")
        position += 46 + name_length + extra + comment


def billion_laughs(encoding: str = "utf-8") -> bytes:
    """A .docx whose document.xml declares nested entities that expand to 10^9 "lol"s."""
    entities = "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    xml = (
        f'<?xml version="1.0" encoding="{encoding.upper()}" standalone="yes"?>\n'
        f'<!DOCTYPE w:document [<!ENTITY lol0 "lol">{entities}]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    return word_package({"word/document.xml": xml.encode(encoding)})


def external_entity() -> bytes:
    """A .docx whose document.xml would read a file of the server into the text."""
    return word_with_body(
        b"<w:p><w:r><w:t>&secret;</w:t></w:r></w:p>",
        b'<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
    )


def malformed_xml() -> bytes:
    return word_package({"word/document.xml": document_xml(b"<w:p><w:r><w:t>unclosed")[:-30]})


def huge_text_node(size: int = 50 * MB) -> bytes:
    return word_with_body(b"<w:p><w:r><w:t>" + b"a" * size + b"</w:t></w:r></w:p>")


def nested_zip() -> bytes:
    """A .docx holding another zip: here one that is itself a zip bomb."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("inner.bin", b"\0" * (20 * MB))
    return word_package(add={"word/embeddings/package.zip": inner.getvalue()})


def _fonts(writer: PdfWriter) -> DictionaryObject:
    """Resources naming Helvetica as /F1."""
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    return DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )


def shared_content_stream_pdf(pages: int = 4, content: int = 1_000_000) -> bytes:
    """The finding: a 4 KB PDF whose pages all draw one compressed 1 MB content stream of text
    (21 to 25 s in the request)."""
    writer = PdfWriter()
    fonts = _fonts(writer)
    operation = b"BT /F1 12 Tf 72 700 Td (All work and no play) Tj ET\n"
    stream = DecodedStreamObject()
    stream.set_data(operation * (content // len(operation)))
    shared = writer._add_object(stream.flate_encode(level=9))
    for _ in range(pages):
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Contents")] = shared
        page[NameObject("/Resources")] = fonts
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def many_pages_pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(612, 792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def form_drawing_pdf(content: int = 1_000_000, times: int = 1) -> bytes:
    """A page whose few bytes of content draw a form (a drawing kept apart, drawn by name) of
    `content` bytes of text, `times` times."""
    writer = PdfWriter()
    form = DecodedStreamObject()
    operation = b"BT /F1 12 Tf 72 700 Td (All work and no play) Tj ET\n"
    form.set_data(operation * (content // len(operation)))
    form = form.flate_encode(level=9)
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject([NumberObject(n) for n in (0, 0, 612, 792)])
    form[NameObject("/Resources")] = _fonts(writer)
    page = writer.add_blank_page(612, 792)
    drawing = DecodedStreamObject()
    drawing.set_data(b"/X0 Do\n" * times)
    page[NameObject("/Contents")] = writer._add_object(drawing)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/X0"): writer._add_object(form)})}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def busy_pages_pdf(pages: int = 20, content: int = 500_000) -> bytes:
    """Pages each under the cap for one page, together over the cap for the whole document."""
    writer = PdfWriter()
    for number in range(pages):
        stream = DecodedStreamObject()
        stream.set_data(f"% page {number}\n".encode() + b"0 0 m 1 1 l S\n" * (content // 14))
        page = writer.add_blank_page(612, 792)
        page[NameObject("/Contents")] = writer._add_object(stream.flate_encode(level=9))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def password_protected_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(genuine_pdf_review(pages=2)))
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
