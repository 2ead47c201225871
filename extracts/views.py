"""The extracts area's blueprint: pages for a case's review, its parties, and its redacted
extracts: preparing, approving, issuing, and reading them as their recipient."""

from __future__ import annotations

import json
from datetime import datetime, time
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from agencies.models import Agency, User, UserStatus
from agencies.signed_in import me
from extracts import extracts, reviews
from extracts import jobs as background
from extracts.forms import (
    AddRedactionForm,
    CommentForm,
    ExpiryForm,
    IssueForm,
    PartyForm,
    ReviewForm,
    SendBackForm,
    StartExtractForm,
)
from extracts.models import (
    CaseParty,
    Decision,
    Extract,
    ExtractIssue,
    ExtractRedaction,
    PartyRole,
    ReviewDocument,
)
from panels.models.cases import Case
from portal import clock, downloads
from portal.clock import LONDON
from portal.db import get_db
from portal.jobs import Job
from portal.pages import REFUSED, ButtonForm, Refused, attempt, confirm, get_or_404
from portal.policy import ensure, require
from redaction import for_reading

blueprint = Blueprint("extracts", __name__)


def _case(case_id: int) -> Case:
    case = get_or_404(Case, case_id)
    ensure("manage_review", case)
    return case


def _to_review(case: Case) -> Any:
    return redirect(url_for(".review", case_id=case.id))


def _follow(job: Job) -> Any:
    """To the page where the person watches the job they started."""
    return redirect(url_for("home.job", job_id=job.id), 303)


def _end_of(day: Any) -> datetime | None:
    """The end of `day` in UK time: an extract that expires on a day may be read all of it."""
    if day is None:
        return None
    return datetime.combine(day, time(23, 59, 59), LONDON)


@blueprint.route("/cases/<int:case_id>/review", methods=["GET", "POST"])
def review(case_id: int) -> Any:
    case = _case(case_id)
    db = get_db()
    form = ReviewForm()
    if form.validate_on_submit():
        upload = form.document.data
        if upload and upload.filename:
            name, kind, data = upload.filename, upload.mimetype, upload.read(reviews.MAX_BYTES + 1)
        else:
            name, kind = "pasted.txt", "text/plain"
            data = (form.pasted.data or "").encode()
        job = attempt(
            form,
            lambda: background.read_review_later(db, me(), case, name, kind, data),
        )
        if not isinstance(job, Refused):
            return _follow(job)
    return render_template(
        "extracts/review.html",
        case=case,
        form=form,
        document=reviews.latest_review(db, case.id),
        reading=reviews.reading(db, case.id),
        parties=reviews.parties_of(db, case.id),
        extracts=db.scalars(
            select(Extract).where(Extract.case_id == case.id).order_by(Extract.id.desc())
        ).all(),
        start_form=StartExtractForm(),
    )


@blueprint.get("/reviews/<int:document_id>/original")
def review_original(document_id: int) -> Any:
    document = get_or_404(ReviewDocument, document_id)
    ensure("view_original", document)
    original = attempt(None, lambda: reviews.open_original(get_db(), me(), document))
    if isinstance(original, Refused):
        abort(403)
    # What the uploader's browser claimed the file was (document.content_type) is not trusted.
    return downloads.download(original, document.filename)


@blueprint.route("/cases/<int:case_id>/parties", methods=["GET", "POST"])
def parties(case_id: int) -> Any:
    case = _case(case_id)
    db = get_db()
    form = PartyForm()
    form.agency.choices = [("", "Not a member of staff")] + [
        (agency.id, agency.name)
        for agency in db.scalars(select(Agency).where(Agency.active).order_by(Agency.name))
    ]
    form.user.choices = [("", "No portal account")] + [
        (person.id, f"{person.name}, {person.agency.name}")
        for person in db.scalars(
            select(User).where(User.status == UserStatus.APPROVED).order_by(User.name)
        )
    ]
    if form.validate_on_submit():
        party = attempt(
            form,
            lambda: reviews.add_party(
                db,
                me(),
                case,
                name=form.name.data or "",
                role=PartyRole(form.role.data),
                agency_id=form.agency.data,
                user_id=form.user.data,
            ),
        )
        if not isinstance(party, Refused):
            flash(f"{party.name} has been added.", "success")
            return redirect(url_for(".parties", case_id=case.id))
    return render_template(
        "extracts/parties.html", case=case, form=form, parties=reviews.parties_of(db, case.id)
    )


@blueprint.route("/parties/<int:party_id>/remove", methods=["GET", "POST"])
def party_remove(party_id: int) -> Any:
    party = get_or_404(CaseParty, party_id)
    case = _case(party.case_id)
    return confirm(
        lambda: reviews.remove_party(get_db(), me(), party),
        title=f"Remove {party.name}?",
        detail="Extracts prepared from now on will no longer redact their name unless "
        "another rule finds it.",
        button="Remove person",
        done=f"{party.name} has been removed.",
        back=url_for(".parties", case_id=case.id),
        warning=True,
    )


@blueprint.post("/cases/<int:case_id>/extracts")
def extract_new(case_id: int) -> Any:
    case = _case(case_id)
    form = StartExtractForm()
    if form.validate_on_submit():
        job = attempt(
            None,
            lambda: background.prepare_later(get_db(), me(), case, form.show_recipient_name.data),
        )
        if not isinstance(job, Refused):
            return _follow(job)
    return _to_review(case)


def _extract(extract_id: int, action: str = "view") -> Extract:
    extract = get_or_404(Extract, extract_id)
    ensure(action, extract)
    return extract


def _marked(extract: Extract) -> list[dict[str, Any]]:
    """Each section as pieces of text, those to redact carrying their redaction."""
    result = []
    for index, section in enumerate(reviews.sections_of(extract.document)):
        shown = sorted(
            (
                extract_redaction
                for extract_redaction in extract.redactions
                if extract_redaction.section == index
                and extract_redaction.decision is not Decision.REJECTED
            ),
            key=lambda extract_redaction: (extract_redaction.start, -extract_redaction.end),
        )
        pieces: list[tuple[str, ExtractRedaction | None]] = []
        at = 0
        for extract_redaction in shown:
            if extract_redaction.start < at:
                continue  # overlaps one already shown; it is still listed below
            pieces.append((section.text[at : extract_redaction.start], None))
            pieces.append(
                (
                    section.text[extract_redaction.start : extract_redaction.end],
                    extract_redaction,
                )
            )
            at = extract_redaction.end
        pieces.append((section.text[at:], None))
        result.append({"index": index, "heading": section.heading, "pieces": pieces})
    return result


def _undecided(extract: Extract) -> int:
    return sum(
        1
        for extract_redaction in extract.redactions
        if extract_redaction.decision is Decision.PROPOSED
    )


@blueprint.get("/extracts/<int:extract_id>")
def extract_detail(extract_id: int) -> Any:
    extract = _extract(extract_id)
    return render_template(
        "extracts/extract.html",
        extract=extract,
        sections=_marked(extract),
        form=ButtonForm(),
        add_form=AddRedactionForm(),
        undecided=_undecided(extract),
    )


@blueprint.post("/extracts/<int:extract_id>/redactions/<int:redaction_id>")
def extract_decide(extract_id: int, redaction_id: int) -> Any:
    extract = _extract(extract_id, "prepare")
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            decision = Decision(form.value.data)
        except ValueError:
            abort(400)
        attempt(None, lambda: extracts.decide(get_db(), me(), extract, redaction_id, decision))
    return redirect(
        url_for(".extract_detail", extract_id=extract.id) + f"#redaction-{redaction_id}"
    )


@blueprint.post("/extracts/<int:extract_id>/redactions")
def extract_add(extract_id: int) -> Any:
    extract = _extract(extract_id, "prepare")
    form = AddRedactionForm()
    if form.validate_on_submit():
        db = get_db()
        outcome: object
        selection = form.selection()
        if selection is not None:
            section, start, end = selection
            outcome = attempt(
                form,
                lambda: extracts.add_by_hand(
                    db, me(), extract, section, start, end, form.reason.data or ""
                ),
            )
        else:
            outcome = attempt(
                form,
                lambda: extracts.add_every(
                    db,
                    me(),
                    extract,
                    form.fragment.data or "",
                    form.reason.data or "",
                ),
            )
        if outcome is not REFUSED:
            flash("The redaction has been added.", "success")
            return redirect(url_for(".extract_detail", extract_id=extract.id))
    return render_template(
        "extracts/extract.html",
        extract=extract,
        sections=_marked(extract),
        form=ButtonForm(),
        add_form=form,
        undecided=_undecided(extract),
    )


@blueprint.route("/extracts/<int:extract_id>/submit", methods=["GET", "POST"])
def extract_submit(extract_id: int) -> Any:
    extract = _extract(extract_id, "prepare")
    return confirm(
        lambda: extracts.submit_for_approval(get_db(), me(), extract),
        title="Send the extract for approval?",
        detail="A second person, a chair or disclosure lead who did not prepare it, must "
        "approve it before it can be issued.",
        button="Send for approval",
        done="The extract has been sent for approval.",
        back=url_for(".extract_detail", extract_id=extract.id),
    )


@blueprint.route("/extracts/<int:extract_id>/approve", methods=["GET", "POST"])
def extract_approve(extract_id: int) -> Any:
    extract = _extract(extract_id, "approve")
    return confirm(
        lambda: extracts.approve(get_db(), me(), extract),
        title="Approve the extract?",
        detail="Check every highlighted passage first: once approved, it can be issued to staff.",
        button="Approve extract",
        done="The extract has been approved and can be issued.",
        back=url_for(".extract_detail", extract_id=extract.id),
    )


@blueprint.route("/extracts/<int:extract_id>/send-back", methods=["GET", "POST"])
def extract_send_back(extract_id: int) -> Any:
    extract = _extract(extract_id, "approve")
    form = SendBackForm()
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: extracts.send_back(get_db(), me(), extract, form.reason.data or ""),
        )
        if outcome is not REFUSED:
            flash("The extract has been sent back to the preparer.", "success")
            return redirect(url_for(".extract_detail", extract_id=extract.id))
    return render_template("extracts/send_back.html", form=form, extract=extract)


@blueprint.route("/extracts/<int:extract_id>/issue", methods=["GET", "POST"])
def extract_issue(extract_id: int) -> Any:
    extract = _extract(extract_id, "issue")
    db = get_db()
    people = db.scalars(
        select(User).where(User.status == UserStatus.APPROVED).order_by(User.name)
    ).all()
    form = IssueForm()
    form.recipients.choices = [(p.id, f"{p.name}, {p.agency.name}") for p in people]
    if form.validate_on_submit():
        chosen = [p for p in people if p.id in set(form.recipients.data or [])]
        job = attempt(
            form,
            lambda: background.issue_later(
                db, me(), extract, chosen, _end_of(form.expires_on.data)
            ),
        )
        if not isinstance(job, Refused):
            return _follow(job)
    return render_template("extracts/issue.html", form=form, extract=extract)


@blueprint.route("/extract-issues/<int:issue_id>/revoke", methods=["GET", "POST"])
def issue_revoke(issue_id: int) -> Any:
    extract_issue = get_or_404(ExtractIssue, issue_id)
    ensure("control", extract_issue)
    recipient = extract_issue.recipient.name
    return confirm(
        lambda: extracts.revoke(get_db(), me(), extract_issue),
        title=f"Withdraw {recipient}'s extract?",
        detail="They will no longer be able to open it. This cannot be undone: issue it again "
        "if needed.",
        button="Withdraw extract",
        done=f"{recipient} can no longer open the extract.",
        back=url_for(".extract_detail", extract_id=extract_issue.extract_id),
        warning=True,
    )


@blueprint.route("/extract-issues/<int:issue_id>/expiry", methods=["GET", "POST"])
def issue_expiry(issue_id: int) -> Any:
    extract_issue = get_or_404(ExtractIssue, issue_id)
    ensure("control", extract_issue)
    form = ExpiryForm()
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: extracts.set_expiry(
                get_db(), me(), extract_issue, _end_of(form.expires_on.data)
            ),
        )
        if outcome is not REFUSED:
            flash("The expiry has been saved.", "success")
            return redirect(url_for(".extract_detail", extract_id=extract_issue.extract_id))
    return render_template("extracts/expiry.html", form=form, extract_issue=extract_issue)


@blueprint.get("/my-extracts")
@require("view_dashboard")
def my_extracts() -> Any:
    extract_issues = (
        get_db()
        .scalars(
            select(ExtractIssue)
            .where(ExtractIssue.recipient_id == current_user.id)
            .order_by(ExtractIssue.issued_at.desc())
        )
        .all()
    )
    return render_template("extracts/mine.html", extract_issues=extract_issues, now=clock.now())


def _opened(issue_id: int, how: str) -> ExtractIssue:
    extract_issue = get_or_404(ExtractIssue, issue_id)
    ensure("read", extract_issue)
    attempt(None, lambda: extracts.open_issue(get_db(), me(), extract_issue, how))
    return extract_issue


@blueprint.route("/my-extracts/<int:issue_id>", methods=["GET", "POST"])
def my_extract(issue_id: int) -> Any:
    extract_issue = get_or_404(ExtractIssue, issue_id)
    ensure("read", extract_issue)
    form = CommentForm()
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: extracts.comment(get_db(), me(), extract_issue, form.text.data or ""),
        )
        if outcome is not REFUSED:
            flash("Your comment has been sent to the chair.", "success")
            return redirect(url_for(".my_extract", issue_id=extract_issue.id))
    else:
        attempt(None, lambda: extracts.open_issue(get_db(), me(), extract_issue, "viewed"))
    # Laid out as its PDF is, with the words put in place of people marked as labels.
    replacements = {
        extract_redaction.replacement
        for extract_redaction in extract_issue.extract.redactions
        if extract_redaction.decision is Decision.ACCEPTED
    }
    return render_template(
        "extracts/read.html",
        extract_issue=extract_issue,
        sections=for_reading(json.loads(extract_issue.sections), replacements),
        form=form,
    )


@blueprint.get("/my-extracts/<int:issue_id>.pdf")
def my_extract_pdf(issue_id: int) -> Any:
    extract_issue = _opened(issue_id, "downloaded")
    response = downloads.download(extract_issue.pdf, f"{extract_issue.extract.reference}.pdf")
    response.headers["Cache-Control"] = "no-store"
    return response
