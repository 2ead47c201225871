"""A redacted review extract's whole life, walked through the pages in real browsers: the chair
prepares it, a disclosure lead approves it, and the practitioner it is issued to reads it."""

from __future__ import annotations

import io
import re
from datetime import date

import docx
from flask import Flask
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader
from sqlalchemy.orm import Session

from agencies.models import Agency, Role, User
from panels import panels
from tests.browser.conftest import SignIn, accessibility_violations, confirm, heading, success
from tests.support import people
from tests.support.providers import Provider
from tests.support.world import a_case

CASE = "SFO-2026-0077"
PROBATION = "Northshire Probation"
# Those the provider has no button for yet: subject and name.
LEAD = ("nadia-khan", "Nadia Khan")
PRACTITIONER = ("priya-shah", "Priya Shah")
OTHER_PRACTITIONER = ("tom-reed", "Tom Reed")

# What no reader of the extract may see, however the review writes it.
SECRETS = [
    "John",
    "Smith",
    "Eleanor",
    "Voss",
    "943 476 5919",
    "LS6 2QT",
    "0113 496 0000",
    "eleanor.voss@example.com",
    "Calder Road",
    "allotment",  # selected in the page
    "bus depot",  # typed
]


def review_docx() -> bytes:
    """A Word review with the person on probation's name broken across a line."""
    document = docx.Document()
    document.add_paragraph("1. Summary")
    opening = document.add_paragraph("This review concerns John")
    opening.runs[0].add_break()
    opening.add_run(
        "Smith, who was supervised by Priya Shah from March 2025. Smith's risk was last "
        "assessed in October."
    )
    document.add_paragraph(
        "J. Smith told Priya that he had moved to a flat near the bus depot on Calder Road, "
        "Leeds LS6 2QT. His NHS number is 943 476 5919."
    )
    document.add_paragraph("2. Chronology")
    document.add_paragraph(
        "The victim, Eleanor Voss, called 0113 496 0000 and wrote to eleanor.voss@example.com "
        "on 3 November 2025. Mr Smith spent his evenings at the allotment beside the canal."
    )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def drag_across(page: Page, text: Locator, word: str) -> None:
    """Select `word` inside `text` with the mouse, as a person would."""
    text.scroll_into_view_if_needed()
    box = text.evaluate(
        """(element, word) => {
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT)
            while (walker.nextNode()) {
                const at = walker.currentNode.textContent.indexOf(word)
                if (at < 0) continue
                const range = document.createRange()
                range.setStart(walker.currentNode, at)
                range.setEnd(walker.currentNode, at + word.length)
                const r = range.getBoundingClientRect()
                return {left: r.left, right: r.right, y: r.top + r.height / 2}
            }
            return null
        }""",
        word,
    )
    assert box, f"{word!r} is not in the text"
    page.mouse.move(box["left"] + 1, box["y"])
    page.mouse.down()
    page.mouse.move(box["right"] - 1, box["y"], steps=5)
    page.mouse.up()


def flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def test_an_extract_is_prepared_approved_issued_read_and_withdrawn(
    sign_in: SignIn,
    csp_violations: list[str],
    live_server: str,
    worker: None,
    app: Flask,
    db: Session,
    admin: User,
    agency: Agency,
    provider: Provider,
) -> None:
    # Set-up: the people, each signed in once and approved; a case and the chair's panel.
    with app.test_request_context():
        idp = people.provider_of(db, "probation")
        chair_user = people.person(db, admin, idp, "grace", [Role.PANEL_CHAIR])
        people.person(db, admin, idp, LEAD[0], [Role.DISCLOSURE_LEAD])
        people.person(db, admin, idp, PRACTITIONER[0], [Role.PRACTITIONER])
        people.person(db, admin, idp, OTHER_PRACTITIONER[0], [Role.PRACTITIONER])
        case = a_case(db, chair_user, CASE)
        panels.open_panel(
            db,
            chair_user,
            case,
            terms_of_reference="Look at what each agency knew.",
            contribution_deadline=date(2026, 12, 31),
            action_plan_target_date=None,
        )
        db.commit()
        case_url = f"{live_server}/cases/{case.id}"

    # The chair uploads the review and names the people in it.
    chair = sign_in(PROBATION, "grace", "Grace Hopper")
    chair.goto(case_url)
    chair.get_by_role("button", name="Review and redacted extracts").click()
    expect(heading(chair)).to_have_text("Review and redacted extracts")
    chair.get_by_label("Upload the review").set_input_files(
        {
            "name": "review.docx",
            "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "buffer": review_docx(),
        }
    )
    chair.get_by_role("button", name="Save the review").click()
    # A worker reads it while the page shows how it is going and refreshes itself.
    expect(heading(chair)).to_have_text(f"Reading the review of case {CASE}")
    assert accessibility_violations(chair) == []
    success(chair, "The review has been read: 2 sections.", timeout=20_000)

    chair.get_by_role("link", name="Add or remove people").click()
    for name, part, account in (
        ("John Smith", "Person on probation", None),
        ("Eleanor Voss", "Victim", None),
        (PRACTITIONER[1], "Member of staff", f"{PRACTITIONER[1]}, {PROBATION}"),
    ):
        chair.get_by_label("Full name").fill(name)
        chair.get_by_role("radio", name=part, exact=True).check()
        if account:
            chair.get_by_label("Their agency (staff only)").select_option(label=PROBATION)
            chair.get_by_label("Their portal account (staff only)").select_option(label=account)
        chair.get_by_role("button", name="Add person").click()
        success(chair, f"{name} has been added.")
    chair.get_by_role("link", name="Back", exact=True).click()
    expect(chair.get_by_role("main")).to_contain_text("Eleanor Voss: victim")
    assert accessibility_violations(chair) == []

    # The chair prepares an extract and accepts every proposal.
    chair.get_by_role("button", name="Prepare an extract").click()
    expect(heading(chair)).to_contain_text("Draft", timeout=30_000)
    extract_url = chair.url
    reference = re.sub(r"^Extract (\S+).*$", r"\1", heading(chair).inner_text().strip())
    assert re.fullmatch(r"EX-[0-9A-F]{8}", reference)
    assert CASE not in reference  # the case reference is itself redacted
    accept = chair.get_by_role("button", name=re.compile(r"^Accept redaction of"))
    proposed = accept.count()
    assert proposed >= 10
    for left in range(proposed, 0, -1):
        expect(accept).to_have_count(left)
        accept.first.click()
    expect(accept).to_have_count(0)
    summary = chair.locator(".govuk-summary-list")
    expect(summary).to_contain_text(f"{proposed} accepted, 0 still to decide")
    assert accessibility_violations(chair) == []

    # One more by selecting a word in the text, which fills in the form's hidden fields...
    chronology = chair.locator(".app-review-text").nth(1)
    drag_across(chair, chronology, "allotment")
    form = chair.locator('[data-module="app-redaction-form"]')
    expect(form.get_by_label("Words to redact")).to_have_value("allotment")
    section = form.locator('input[name="section"]').input_value()
    start = int(form.locator('input[name="start"]').input_value())
    end = int(form.locator('input[name="end"]').input_value())
    assert section == "1"
    assert chronology.text_content()[start:end] == "allotment"  # type: ignore[index]
    form.get_by_label("Why").fill("Identifies where he spent his evenings")
    form.get_by_role("button", name="Add redaction").click()
    success(chair, "The redaction has been added.")
    expect(chair.get_by_role("row", name=re.compile("allotment"))).to_contain_text(
        "Identifies where he spent his evenings"
    )
    # ...and one by typing the words.
    chair.get_by_label("Words to redact").fill("bus depot")
    chair.get_by_label("Why").fill("Identifies where he lived")
    chair.get_by_role("button", name="Add redaction").click()
    success(chair, "The redaction has been added.")
    expect(summary).to_contain_text(f"{proposed + 2} accepted, 0 still to decide")
    expect(chair.locator("mark", has_text="bus depot")).to_have_count(1)

    confirm(chair, "Send for approval")
    success(chair, "The extract has been sent for approval.")
    expect(heading(chair)).to_contain_text("Awaiting approval")
    # Whoever prepared it cannot approve it.
    expect(chair.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    refused = chair.request.get(extract_url + "/approve")
    assert refused.status == 403

    # The disclosure lead finds it waiting on their home page, and approves it.
    lead = sign_in(PROBATION, *LEAD)
    lead.get_by_role("link", name=f"Approve redacted extract {reference}").click()
    expect(lead).to_have_url(extract_url)
    confirm(lead, "Approve", "Approve extract")
    success(lead, "The extract has been approved and can be issued.")
    expect(heading(lead)).to_contain_text("Approved")

    # The chair issues it to the practitioner.
    chair.goto(extract_url)
    chair.get_by_role("button", name="Issue to staff").click()
    expect(heading(chair)).to_have_text(f"Issue extract {reference}")
    assert accessibility_violations(chair) == []
    chair.get_by_label(f"{PRACTITIONER[1]}, {PROBATION}").check()
    chair.get_by_role("button", name="Issue the extract").click()
    success(chair, "The extract has been issued to 1 person.", timeout=20_000)
    issued = chair.get_by_role("table").filter(has_text="Recipient")
    expect(issued.get_by_role("row", name=re.compile(PRACTITIONER[1]))).to_contain_text("Open")

    # The practitioner signs in and reads it, in the page and as a PDF.
    practitioner = sign_in(PROBATION, *PRACTITIONER)
    practitioner.get_by_role("link", name="My extracts").click()
    practitioner.get_by_role("link", name=f"Extract {reference}").click()
    expect(heading(practitioner)).to_have_text(f"Extract {reference}")
    issue_url = practitioner.url
    main = practitioner.get_by_role("main")
    expect(main).to_contain_text("OFFICIAL-SENSITIVE")
    page_text = flat(main.inner_text())
    for secret in SECRETS:
        assert flat(secret) not in page_text, secret
    # Labels are marked, and a screen reader hears "redacted:" before each.
    assert "this review concerns redacted: the person on probation, who was supervised by" in (
        page_text
    )
    assert "the victim, redacted: victim, called [redacted]" in page_text
    # The extract lets its reader see their own name.
    assert f"supervised by {PRACTITIONER[1]}".casefold() in page_text
    assert accessibility_violations(practitioner) == []

    href = practitioner.get_by_role("button", name="Download as PDF").get_attribute("href")
    assert href is not None
    pdf = practitioner.request.get(live_server + href)
    assert pdf.ok
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    pdf_text = flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages))
    for secret in SECRETS:
        assert flat(secret) not in pdf_text, secret
    assert "official-sensitive" in pdf_text
    assert PRACTITIONER[1].casefold() in pdf_text
    assert "the person on probation" in pdf_text

    comment = "The visit in October was a home visit, not an office one."
    practitioner.get_by_label("Your factual-accuracy comment").fill(comment)
    practitioner.get_by_role("button", name="Send to the chair").click()
    success(practitioner, "Your comment has been sent to the chair.")

    # Another practitioner cannot open it.
    other = sign_in(PROBATION, *OTHER_PRACTITIONER)
    opened = other.goto(issue_url)
    assert opened is not None and opened.status == 403
    assert other.request.get(issue_url + ".pdf").status == 403

    # The chair reads the comment and withdraws the extract; the practitioner is shut out.
    chair.goto(extract_url)
    expect(chair.get_by_role("main")).to_contain_text(comment)
    chair.get_by_role("link", name=f"Withdraw {PRACTITIONER[1]}'s extract").click()
    expect(heading(chair)).to_have_text(f"Withdraw {PRACTITIONER[1]}'s extract?")
    chair.get_by_role("button", name="Withdraw extract").click()
    success(chair, f"{PRACTITIONER[1]} can no longer open the extract.")

    reopened = practitioner.goto(issue_url)
    assert reopened is not None and reopened.status == 403
    assert practitioner.request.get(issue_url + ".pdf").status == 403
    practitioner.goto(live_server + "/my-extracts")
    expect(practitioner.get_by_role("main")).to_contain_text(
        f"Extract {reference}: no longer available"
    )
    assert csp_violations == []
