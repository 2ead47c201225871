"""The extract PDF: marked on every page, and verify_pdf finds text wherever it hides."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText
from pypdf.generic import DecodedStreamObject, NameObject
from reportlab.pdfgen.canvas import Canvas

from redaction import MARKING, Section, render_extract, verify_pdf

ISSUED = date(2026, 3, 3)


def extract(sections: list[Section] | None = None, **kwargs: object) -> bytes:
    return render_extract(
        sections
        or [
            Section("Background", "The person on probation met Practitioner A.\n\nMore text."),
            Section("Chronology", "\n\n".join(f"Paragraph {i} of the review." for i in range(120))),
        ],
        recipient="Priya Shah",
        reference="EXT-2026-0007",
        issued_on=ISSUED,
        labels=["the person on probation", "Practitioner A"],
        **kwargs,  # type: ignore[arg-type]
    )


def test_every_page_carries_the_marking_recipient_reference_and_date() -> None:
    reader = PdfReader(io.BytesIO(extract()))
    assert len(reader.pages) >= 3
    for page in reader.pages:
        text = page.extract_text()
        assert text.count(MARKING) >= 2  # top and bottom
        assert "Priya Shah" in text
        assert "EXT-2026-0007" in text
        assert "3 March 2026" in text


def test_the_first_page_is_guidance_on_reading_and_commenting() -> None:
    reader = PdfReader(io.BytesIO(extract(comments_by=date(2026, 3, 31))))
    first = reader.pages[0].extract_text()
    assert "How to read this extract" in first
    assert "How to send factual-accuracy comments" in first
    assert "Send comments by 31 March 2026" in first
    assert "Practitioner A" in first  # the labels are explained
    assert "Background" not in first


def test_metadata_holds_only_the_reference_marking_and_language() -> None:
    reader = PdfReader(io.BytesIO(extract()))
    assert reader.metadata is not None
    assert reader.metadata.title == "Redacted review extract EXT-2026-0007"
    assert reader.metadata.subject == MARKING
    assert reader.metadata.author == "Multi-agency learning panel portal"
    assert "Priya" not in " ".join(str(v) for v in reader.metadata.values())
    assert reader.root_object["/Lang"] == "en-GB"
    assert reader.root_object["/ViewerPreferences"]["/DisplayDocTitle"]
    assert all(page.get("/Annots") is None for page in reader.pages)


def test_the_outline_holds_every_heading_once_numbered_and_opens_with_the_file() -> None:
    reader = PdfReader(io.BytesIO(extract()))
    (title, headings) = reader.outline
    assert title.title == "Redacted extract of a Serious Further Offence review"
    assert [h.title for h in headings] == [
        "Issued to Priya Shah",
        "How to read this extract",
        "How to send factual-accuracy comments",
        "1. Background",
        "2. Chronology",
    ]
    assert reader.get_destination_page_number(headings[-1]) == 1
    assert reader.root_object["/PageMode"] == "/UseOutlines"


def test_headings_that_carry_a_number_are_not_numbered_twice() -> None:
    pdf = extract(
        [
            Section("1. Introduction", "This review concerns the person on probation."),
            Section("2.3 Risk", "It was not reviewed."),
        ]
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "1. Introduction" in text and "2.3 Risk" in text
    assert "1. 1." not in text and "2. 2.3" not in text
    assert "2.3.1" in text  # its paragraphs are numbered under the heading's own number
    titles = [h.title for h in PdfReader(io.BytesIO(pdf)).outline[1]]
    assert titles[-2:] == ["1. Introduction", "2.3 Risk"]


def test_lines_broken_mid_sentence_make_one_numbered_paragraph() -> None:
    pdf = extract(
        [Section("Background", "The person on probation met\nPractitioner A in\nMarch.\nThen")]
    )
    text = PdfReader(io.BytesIO(pdf)).pages[1].extract_text()
    assert "1.1 The person on probation met Practitioner A in March." in " ".join(text.split())
    assert "1.2 Then" in " ".join(text.split())


def test_labels_and_redacted_marks_are_set_in_bold() -> None:
    pdf = extract([Section("Background", "Practitioner A met [redacted] and Victim.")])
    page = PdfReader(io.BytesIO(pdf)).pages[1]
    bold: list[str] = []

    def visit(text: str, cm: object, tm: object, font: object, size: object) -> None:
        if font is not None and "Bold" in str(font.get("/BaseFont", "")):  # type: ignore[attr-defined]
            bold.append(text)

    page.extract_text(visitor_text=visit)  # type: ignore[arg-type]
    marked = "".join(bold)
    assert "Practitioner A" in marked and "[redacted]" in marked
    assert "Victim" not in marked  # not one of this extract's labels


def test_text_is_escaped_not_interpreted_as_markup() -> None:
    pdf = extract([Section("A <b>bold</b> & odd heading", "x < y & <font>z</font>")])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "A <b>bold</b> & odd heading" in text
    assert "x < y & <font>z</font>" in text


def test_a_clean_extract_passes_verification() -> None:
    assert verify_pdf(extract(), ["John Smith", "07700 900123", "Kowalski"]) == []


@pytest.mark.parametrize(
    ("written", "forbidden"),
    [
        ("He met John Smith.", "John Smith"),
        ("He met JOHN   SMITH.", "john smith"),
        ("He met J o h n S m i t h there.", "John Smith"),
        ("Call 07700 900 123.", "07700900123"),
        ("Name: Kowal-\nski", "Kowalski"),
        ("It was O’Brien’s.", "O'Brien"),
    ],
)
def test_a_leak_in_the_page_text_is_found_however_it_is_spaced(
    written: str, forbidden: str
) -> None:
    pdf = extract([Section("Leak", written)])
    assert verify_pdf(pdf, [forbidden, "Unrelated Name"]) == [forbidden]


def test_a_short_forbidden_string_is_only_found_as_a_whole_word() -> None:
    pdf = extract([Section("Notes", "Staff were fleeing the building.")])
    assert verify_pdf(pdf, ["Lee"]) == []
    pdf = extract([Section("Notes", "Staff saw Lee in the building.")])
    assert verify_pdf(pdf, ["Lee"]) == ["Lee"]


def _planted(change: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(extract()))
    if change == "metadata":
        writer.add_metadata({"/Author": "John Smith"})
    elif change == "keywords":
        writer.add_metadata({"/Keywords": "review, kowalski"})
    elif change == "bookmark":
        parent = writer.add_outline_item(title="Chronology", page_number=1)
        writer.add_outline_item(title="Interview with John Smith", page_number=1, parent=parent)
    elif change == "annotation":
        writer.add_annotation(
            page_number=1, annotation=FreeText(text="John Smith", rect=(50, 50, 200, 80))
        )
    elif change == "xmp":
        stream = DecodedStreamObject()
        stream.set_data(b"<x:xmpmeta><dc:creator>John Smith</dc:creator></x:xmpmeta>")
        stream[NameObject("/Type")] = NameObject("/Metadata")
        writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)
    elif change == "subject":
        writer.add_metadata({"/Subject": "About JOHN SMITH"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "place", ["metadata", "keywords", "subject", "xmp", "bookmark", "annotation"]
)
def test_a_leak_planted_outside_the_page_text_is_found(place: str) -> None:
    found = verify_pdf(_planted(place), ["John Smith", "Kowalski"])
    assert found in (["John Smith"], ["Kowalski"])
    assert verify_pdf(_planted(place), ["Someone Else"]) == []


def test_a_black_box_over_text_that_is_still_there_is_a_leak() -> None:
    # What a careless redaction tool makes: the name drawn, a rectangle painted over it.
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, "Interview with John Smith on 3 March.")
    canvas.setFillColorRGB(0, 0, 0)
    canvas.rect(150, 715, 80, 16, fill=1)
    canvas.save()
    assert verify_pdf(buffer.getvalue(), ["John Smith"]) == ["John Smith"]


def test_names_outside_latin_1_survive_the_round_trip() -> None:
    pdf = extract([Section("Names", "Łukasz Wróblewski and Zoë Ní Bhriain")])
    assert verify_pdf(pdf, ["Łukasz Wróblewski", "Zoë Ní Bhriain"]) == [
        "Łukasz Wróblewski",
        "Zoë Ní Bhriain",
    ]
