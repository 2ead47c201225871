"""Reading an uploaded document in a limited process: a genuine 60-page review is read whole, and
each hostile file found against the demo is refused within seconds, saying why."""

from __future__ import annotations

import ast
import io
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfWriter

from extracts.document_reader import CAPS, LIMITS, UnreadableDocument, read_document
from portal import document_text
from portal.document_text import Caps, Limits
from tests.extracts import documents
from tests.extracts.documents import MB

# Each bomb took from 20 seconds to forever in the request; each must now be refused in this.
FEW_SECONDS = 5.0
UNREADABLE = "This document could not be read: "


def refusal(filename: str, data: bytes, caps: Caps = CAPS, limits: Limits = LIMITS) -> str:
    started = time.monotonic()
    with pytest.raises(UnreadableDocument) as refused:
        read_document(filename, data, caps=caps, limits=limits)
    assert time.monotonic() - started < FEW_SECONDS
    return refused.value.message


def test_a_genuine_sixty_page_word_review_is_read_whole_and_in_order() -> None:
    text = read_document("review.docx", documents.genuine_word_review(pages=60))
    assert len(text) > 200_000
    assert text.startswith("1. Findings\n\n")
    assert "30. Conclusion" in text
    assert text.rstrip().endswith("The panel thanks everyone who took part.")
    # The chronology tables are read where they stand, a row to a line.
    assert (
        text.index("4. Findings") < text.index("Date | Agency | Event") < text.index("5. Findings")
    )
    assert "15 March 2025 | Probation | " in text


def test_a_genuine_sixty_page_pdf_review_is_read_whole() -> None:
    data = documents.genuine_pdf_review(pages=60)
    text = read_document("review.pdf", data)
    assert len(text) > 200_000
    assert text.startswith("1. Findings")
    assert "45. Conclusion" in text
    assert text.rstrip().endswith("The panel thanks everyone who took part.")


@pytest.mark.parametrize(
    ("filename", "build"),
    [
        ("review.docx", documents.genuine_word_review),
        ("review.pdf", documents.genuine_pdf_review),
    ],
)
def test_a_genuine_review_needs_a_fraction_of_the_limits(
    filename: str, build: Callable[[], bytes]
) -> None:
    # A fifth of the processor time and a quarter of the memory allowed are enough.
    limits = Limits(cpu_seconds=1, memory_bytes=128 * MB, wall_seconds=5)
    assert "The panel thanks everyone" in read_document(filename, build(), limits=limits)


BOMBS: list[tuple[str, str, Callable[[], bytes], str]] = [
    (
        "a 4 KB PDF whose pages share one 1 MB content stream",
        "bomb.pdf",
        documents.shared_content_stream_pdf,
        "page 1 is too complex to read.",
    ),
    (
        "a PDF page drawing a 1 MB form",
        "bomb.pdf",
        documents.form_drawing_pdf,
        "page 1 is too complex to read.",
    ),
    (
        "a PDF page drawing a 100 KB form 50 times",
        "bomb.pdf",
        lambda: documents.form_drawing_pdf(content=100_000, times=50),
        "page 1 is too complex to read.",
    ),
    (
        "a PDF of 20 pages of 500 KB of drawing each",
        "busy.pdf",
        documents.busy_pages_pdf,
        "it is too complex to read.",
    ),
    (
        "a PDF protected with a password",
        "secret.pdf",
        documents.password_protected_pdf,
        "it is protected with a password.",
    ),
    (
        "a PDF of more pages than the cap",
        "long.pdf",
        lambda: documents.many_pages_pdf(301),
        "it has more than 300 pages.",
    ),
    (
        "a .docx of 260,000 tiny paragraphs",
        "bomb.docx",
        documents.many_paragraphs,
        "it has more than 10,000 paragraphs.",
    ),
    (
        "a .docx with a part of zeros expanding to 60 MB",
        "bomb.docx",
        documents.zip_bomb,
        "it expands to more than 50 MB.",
    ),
    (
        "a zip bomb whose directory says it expands to 1 KB",
        "bomb.docx",
        documents.lying_zip_bomb,
        "it is not a valid Word document.",
    ),
    (
        "a .docx of 6 parts of 10 MB",
        "bomb.docx",
        lambda: documents.word_package(
            add={f"customXml/item{n}.xml": b" " * (10 * MB) for n in range(6)}
        ),
        "it expands to more than 50 MB.",
    ),
    (
        "a .docx of 1,001 parts and more",
        "bomb.docx",
        lambda: documents.word_package(add={f"customXml/item{n}.xml": b"" for n in range(1001)}),
        "it has more than 1,000 parts inside it.",
    ),
    (
        "a .docx with an entity bomb (billion laughs)",
        "bomb.docx",
        documents.billion_laughs,
        "it is not a valid Word document.",
    ),
    (
        "the entity bomb written in UTF-16",
        "bomb.docx",
        lambda: documents.billion_laughs("utf-16"),
        "it is not a valid Word document.",
    ),
    (
        "a .docx reading a file of the server through an external entity",
        "bomb.docx",
        documents.external_entity,
        "it is not a valid Word document.",
    ),
    (
        "a .docx with malformed XML",
        "broken.docx",
        documents.malformed_xml,
        "it is not a valid Word document.",
    ),
    (
        "a .docx with a 50 MB text node",
        "bomb.docx",
        documents.huge_text_node,
        "it expands to more than 50 MB.",
    ),
    (
        "a .docx with a 12 MB text node, more than its XML parser takes",
        "bomb.docx",
        lambda: documents.huge_text_node(12 * MB),
        "it is not a valid Word document.",
    ),
    (
        "a .docx with a 5 MB text node",
        "bomb.docx",
        lambda: documents.huge_text_node(5 * MB),
        "it has more than 1,000,000 characters of text.",
    ),
    (
        "a .docx holding a zip",
        "nested.docx",
        documents.nested_zip,
        "it contains another compressed file, such as an embedded spreadsheet.",
    ),
    (
        "an older Word document or a protected one",
        "old.docx",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096),
        "it is an older Word document (.doc) or protected with a password.",
    ),
    (
        "a text file of more than a million characters",
        "long.txt",
        lambda: b"word " * 200_001,
        "it has more than 1,000,000 characters of text.",
    ),
]


@pytest.mark.parametrize(
    ("filename", "build", "reason"),
    [bomb[1:] for bomb in BOMBS],
    ids=[bomb[0] for bomb in BOMBS],
)
def test_a_hostile_document_is_refused_within_seconds_saying_why(
    filename: str, build: Callable[[], bytes], reason: str
) -> None:
    assert refusal(filename, build()).startswith(UNREADABLE + reason)


def test_an_image_that_declares_entities_is_no_reason_to_refuse_a_review() -> None:
    # As an SVG drawn in Illustrator does; python-docx never parses an image.
    svg = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [<!ENTITY ns_svg '
        b'"http://www.w3.org/2000/svg">]><svg xmlns="&ns_svg;"/>'
    )
    review = documents.word_package(
        {"word/document.xml": documents.document_xml(b"<w:p><w:r><w:t>Findings</w:t></w:r></w:p>")},
        add={"word/media/image1.svg": svg},
    )
    assert read_document("review.docx", review) == "Findings"


def test_a_pdf_with_a_password_only_to_change_it_is_read() -> None:
    writer = PdfWriter(clone_from=io.BytesIO(documents.genuine_pdf_review(pages=2)))
    writer.encrypt(user_password="", owner_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert "The panel thanks everyone" in read_document("review.pdf", out.getvalue())


def test_nothing_of_the_server_is_read_through_an_entity() -> None:
    assert "root:" not in refusal("bomb.docx", documents.external_entity())


# The limits of the process are the backstop, should a file pass every cap: each is shown here
# by raising the cap the file would break.


def test_a_document_taking_too_much_processor_time_is_stopped() -> None:
    message = refusal(
        "bomb.pdf",
        documents.shared_content_stream_pdf(),
        caps=Caps(page_content_bytes=8 * MB),
        limits=Limits(cpu_seconds=1),
    )
    assert message == UNREADABLE + "it took too long to read."


def test_a_document_outlasting_the_wall_clock_is_killed() -> None:
    message = refusal(
        "bomb.pdf",
        documents.shared_content_stream_pdf(),
        caps=Caps(page_content_bytes=8 * MB),
        limits=Limits(wall_seconds=0.5),
    )
    assert message == UNREADABLE + "it took too long to read."


def test_a_document_needing_too_much_memory_is_refused() -> None:
    message = refusal(
        "bomb.docx",
        documents.many_paragraphs(),
        caps=Caps(paragraphs=1_000_000),
        limits=Limits(memory_bytes=128 * MB),
    )
    assert message == UNREADABLE + "it needs more memory than the portal allows for one document."


def test_characters_the_database_cannot_hold_are_left_out() -> None:
    text = read_document("review.txt", b"Nul\x00 bell\x07 form\x0cfeed\tand\r\nlines")
    assert text == "Nul bell form\nfeed\tand\r\nlines"


def test_the_reading_process_imports_nothing_of_ours() -> None:
    # It runs as a script, apart from the portal; importing the portal would bring it all in.
    ours = {"portal", "agencies", "panels", "extracts", "home", "redaction", "tests"}
    tree = ast.parse(Path(document_text.__file__).read_text())
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    }
    assert imported & ours == set()
