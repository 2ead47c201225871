"""Pages for panel sessions: scheduling, running the meeting item by item, attendance, minutes,
and their PDF and calendar files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select

from agencies.signed_in import me
from panels import learning, sessions
from panels.actions import ActionFields
from panels.forms import (
    ActionForm,
    AgendaItemForm,
    DecisionForm,
    ItemNotesForm,
    LearningForm,
    MinutesForm,
    QuestionForm,
    SessionForm,
)
from panels.ical import session_ics
from panels.minutes_pdf import minutes_pdf
from panels.models.learning import LearningLevel, LearningPoint
from panels.models.panels import Panel
from panels.models.sessions import AgendaItem, Attendance, EntryKind, PanelSession, SessionEntry
from panels.views import blueprint
from portal import clock, downloads, richtext
from portal.clock import LONDON
from portal.db import get_db
from portal.pages import REFUSED, ButtonForm, Refused, as_id, attempt, confirm, get_or_404
from portal.policy import can, ensure


def _load(session_id: int, action: str) -> PanelSession:
    session = get_or_404(PanelSession, session_id)
    ensure(action, session)
    return session


def _attendance_chosen(session: PanelSession) -> dict[int, Attendance]:
    """The attendance sent for each of the panel's members; the page offers only the choices."""
    chosen = {}
    for member in session.panel.members:
        value = request.form.get(f"attendance-{member.user_id}")
        if value:
            try:
                chosen[member.user_id] = Attendance(value)
            except ValueError:
                abort(400)
    return chosen


def _back(session: PanelSession) -> Any:
    return redirect(url_for(".session_detail", session_id=session.id))


def _when(form: SessionForm) -> dict[str, Any]:
    return {
        "starts_at": form.starts_at(),
        "duration_minutes": form.duration_minutes.data or 120,
        "location": form.location.data or "",
        "online_link": form.online_link.data or "",
        "agenda": form.agenda.data or "",
    }


@blueprint.route("/panels/<int:panel_id>/sessions/new", methods=["GET", "POST"])
def session_new(panel_id: int) -> Any:
    panel = get_or_404(Panel, panel_id)
    ensure("manage", panel)
    form = SessionForm()
    if form.validate_on_submit():
        session = attempt(
            form,
            lambda: sessions.schedule(get_db(), me(), panel, **_when(form)),
        )
        if not isinstance(session, Refused):
            flash("The session has been scheduled.", "success")
            return _back(session)
    return render_template("panels/session_form.html", form=form, panel=panel, session=None)


@blueprint.get("/sessions/<int:session_id>")
def session_detail(session_id: int) -> Any:
    session = _load(session_id, "view")
    return render_template("panels/session.html", session=session, panel=session.panel)


@blueprint.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
def session_edit(session_id: int) -> Any:
    session = _load(session_id, "manage")
    form = SessionForm(obj=session)
    if request.method == "GET":
        local = session.starts_at.astimezone(LONDON)
        form.day.data, form.start.data = local.date(), f"{local:%H:%M}"
        form.load(session)
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: sessions.reschedule(
                get_db(),
                me(),
                session,
                version=form.version_seen(),
                **_when(form),
            ),
        )
        if outcome is not REFUSED:
            flash("The session has been saved.", "success")
            return _back(session)
    return render_template(
        "panels/session_form.html", form=form, panel=session.panel, session=session
    )


@blueprint.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
def session_attendance(session_id: int) -> Any:
    session = _load(session_id, "manage")
    form = ButtonForm()
    recorded = {attendee.user_id: attendee.attendance for attendee in session.attendees}
    members = [member.user for member in session.panel.members]
    if form.validate_on_submit():
        chosen = _attendance_chosen(session)
        outcome = attempt(
            form,
            lambda: sessions.record_attendance(get_db(), me(), session, chosen),
        )
        if outcome is not REFUSED:
            flash("Attendance has been recorded.", "success")
            return _back(session)
        recorded = chosen
    return render_template(
        "panels/attendance.html",
        form=form,
        session=session,
        members=members,
        recorded=recorded,
        choices=list(Attendance),
    )


@blueprint.route("/sessions/<int:session_id>/minutes", methods=["GET", "POST"])
def session_minutes(session_id: int) -> Any:
    session = _load(session_id, "manage")
    form = MinutesForm(obj=session)
    if request.method == "GET":
        form.load(session)
    if form.validate_on_submit():
        outcome = attempt(
            form,
            lambda: sessions.save_minutes(
                get_db(),
                me(),
                session,
                version=form.version_seen(),
                minutes=form.minutes.data or "",
                decisions=form.decisions.data or "",
            ),
        )
        if outcome is not REFUSED:
            flash("The minutes have been saved. Members see them once you publish them.", "success")
            return _back(session)
    return render_template("panels/minutes_form.html", form=form, session=session)


@blueprint.route("/sessions/<int:session_id>/publish", methods=["GET", "POST"])
def session_publish(session_id: int) -> Any:
    session = _load(session_id, "manage")
    return confirm(
        lambda: sessions.publish_minutes(get_db(), me(), session),
        title="Publish the minutes to the panel's members?",
        detail="Every member of the panel will be able to read and download them, and will be "
        "told they are published.",
        button="Publish minutes",
        done="The minutes have been published to the panel's members.",
        back=url_for(".session_detail", session_id=session.id),
    )


@blueprint.get("/sessions/<int:session_id>/minutes.pdf")
def session_minutes_pdf(session_id: int) -> Any:
    session = _load(session_id, "view_minutes")
    reference = downloads.name_part(session.panel.case.reference)
    name = f"minutes-{reference}-{session.starts_at.astimezone(LONDON):%Y%m%d}.pdf"
    return downloads.download(minutes_pdf(session.panel, session), name)


@blueprint.get("/sessions/<int:session_id>/calendar.ics")
def session_calendar(session_id: int) -> Any:
    session = _load(session_id, "view")
    url = url_for(".session_detail", session_id=session.id, _external=True)
    return downloads.download(
        session_ics(session.panel, session, url),
        f"panel-session-{session.id}.ics",
        text=downloads.CALENDAR,
    )


# Running the session: one page for the chair through the meeting. Each agenda item has small
# forms of its own; each posts back to this page and, saved, comes back to the item's anchor.

# The forms of one agenda item, by the step each sends.
_ITEM_FORMS: dict[str, type[FlaskForm]] = {
    "notes": ItemNotesForm,
    "decision": DecisionForm,
    "question": QuestionForm,
    "learning": LearningForm,
    "action": ActionForm,
}


def _prefix(step: str, item: AgendaItem | None) -> str:
    return f"item-{item.id}-{step}" if item is not None else step


@dataclass(frozen=True)
class _Choices:
    """What an item's learning and action forms offer, read once for the whole page."""

    themes: list[tuple[int, str]]
    agencies: list[tuple[int, str]]
    learning: list[tuple[Any, str]]

    @classmethod
    def of(cls, panel: Panel) -> _Choices:
        db = get_db()
        points = db.scalars(
            select(LearningPoint)
            .where(LearningPoint.panel_id == panel.id)
            .order_by(LearningPoint.id)
        )
        return cls(
            themes=[(theme.id, theme.name) for theme in learning.active_themes(db)],
            agencies=[(i.agency_id, i.agency.name) for i in panel.invitations],
            learning=[("", "None")] + [(point.id, point.title) for point in points],
        )


def _item_form(step: str, item: AgendaItem, choices: _Choices, bound: bool) -> FlaskForm:
    """One of an item's forms: empty to show, or bound to what was sent, to save."""
    formdata = None if not bound else request.form
    form = _ITEM_FORMS[step](formdata=formdata, prefix=_prefix(step, item))
    if isinstance(form, LearningForm):
        form.themes.choices = choices.themes
        form.agencies.choices = choices.agencies
    elif isinstance(form, ActionForm):
        form.owner_agency.choices = choices.agencies
        form.learning_point.choices = choices.learning
    elif isinstance(form, ItemNotesForm) and not bound:
        form.notes.data = richtext.to_editable(item.notes)
    return form


@dataclass
class _Sent:
    """What one of the page's forms sent, and what came of it."""

    step: str
    item: AgendaItem | None
    form: FlaskForm
    anchor: str
    # The message to flash once saved; None: shown again, with the errors or the refusal.
    done: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _sent_item(session: PanelSession) -> AgendaItem | None:
    item_id = request.form.get("item")
    if item_id is None:
        return None
    item = next((i for i in session.items if i.id == as_id(item_id)), None)
    if item is None:
        abort(404)
    return item


def _sent_entry(item: AgendaItem | None) -> SessionEntry:
    entry_id = as_id(request.form.get("entry"))
    entry = next((e for e in item.entries if e.id == entry_id), None) if item else None
    if entry is None:
        abort(404)
    return entry


def _run_step(session: PanelSession) -> _Sent:
    """Check and save what one of the run page's forms sent."""
    db, actor = get_db(), me()
    step = request.form.get("step", "")
    item = _sent_item(session)
    item_anchor = f"item-{item.id}" if item else "agenda"

    def save(form: FlaskForm, anchor: str, done: str, operation: Callable[[], object]) -> _Sent:
        sent = _Sent(step, item, form, anchor)
        if form.validate_on_submit():
            outcome = attempt(form, operation)
            if outcome is not REFUSED:
                sent.done = done
                if isinstance(outcome, AgendaItem):
                    sent.anchor = f"item-{outcome.id}"
        return sent

    if step == "attendance":
        chosen = _attendance_chosen(session)
        sent = save(
            ButtonForm(),
            "attendance",
            "Attendance has been recorded.",
            lambda: sessions.record_attendance(db, actor, session, chosen),
        )
        sent.extra["recorded"] = chosen
        return sent
    if step == "build":
        return save(
            ButtonForm(),
            "agenda",
            "The agenda has been built from the contributions and open questions.",
            lambda: sessions.build_agenda(db, actor, session),
        )
    if step == "add_item":
        adding = AgendaItemForm(prefix="add-item")
        return save(
            adding,
            "agenda",
            "The item has been added to the agenda.",
            lambda: sessions.add_item(db, actor, session, adding.title.data or ""),
        )
    if item is None:
        abort(400)
    if step in ("move_up", "move_down"):
        return save(
            ButtonForm(),
            item_anchor,
            "The agenda has been reordered.",
            lambda: sessions.move_item(db, actor, item, earlier=step == "move_up"),
        )
    if step == "remove_item":
        return save(
            ButtonForm(),
            "agenda",
            f"“{item.title}” has been taken off the agenda.",
            lambda: sessions.remove_item(db, actor, item),
        )
    if step == "remove_entry":
        entry = _sent_entry(item)
        return save(
            ButtonForm(),
            item_anchor,
            f"The {entry.kind.label.lower()} has been removed.",
            lambda: sessions.remove_entry(db, actor, entry),
        )
    if step not in _ITEM_FORMS:
        abort(400)
    form: Any = _item_form(step, item, _Choices.of(session.panel), bound=True)
    operations: dict[str, tuple[str, Callable[[], object]]] = {
        "notes": (
            "The notes have been saved.",
            lambda: sessions.save_notes(db, actor, item, form.notes.data or ""),
        ),
        "decision": (
            "The decision has been recorded.",
            lambda: sessions.record_entry(
                db, actor, item, EntryKind.DECISION, form.text.data or ""
            ),
        ),
        "question": (
            "The question has been recorded: it goes on the next session's agenda.",
            lambda: sessions.record_entry(
                db, actor, item, EntryKind.QUESTION, form.text.data or ""
            ),
        ),
        "learning": (
            "The learning has been recorded. Share it from its page once it is agreed.",
            lambda: sessions.record_learning(
                db,
                actor,
                item,
                title=form.title.data or "",
                description=form.description.data or "",
                level=LearningLevel(form.level.data),
                theme_ids=list(form.themes.data or []),
                agency_ids=list(form.agencies.data or []),
            ),
        ),
        "action": (
            "The action has been proposed; its agency has been asked to answer it.",
            lambda: sessions.propose_action(
                db,
                actor,
                item,
                ActionFields(
                    description=form.description.data or "",
                    owner_agency_id=form.owner_agency.data or 0,
                    owner_role=form.owner_role.data or "",
                    target_date=form.target_date.data or clock.today(),
                    measure_of_success=form.measure_of_success.data or "",
                    learning_point_id=form.learning_point.data,
                ),
            ),
        ),
    }
    done, operation = operations[step]
    return save(form, item_anchor, done, operation)


@blueprint.route("/sessions/<int:session_id>/run", methods=["GET", "POST"])
def session_run(session_id: int) -> Any:
    session = _load(session_id, "manage")
    sent: _Sent | None = None
    if request.method == "POST":
        sent = _run_step(session)
        if sent.done is not None:
            flash(sent.done, "success")
            return redirect(url_for(".session_run", session_id=session.id, _anchor=sent.anchor))
    return _run_page(session, sent)


def _run_page(session: PanelSession, sent: _Sent | None) -> Any:
    """The run page; if a form was refused, with that form as it was sent, its errors shown."""
    db = get_db()
    choices = _Choices.of(session.panel)
    forms = {
        (step, item.id): _item_form(step, item, choices, bound=False)
        for item in session.items
        for step in _ITEM_FORMS
    }
    add_item = AgendaItemForm(formdata=None, prefix="add-item")
    recorded = {attendee.user_id: attendee.attendance for attendee in session.attendees}
    failed: FlaskForm | None = None
    if sent is not None:
        failed = sent.form
        if sent.step == "add_item":
            add_item = failed  # type: ignore[assignment]
        elif sent.item is not None and sent.step in _ITEM_FORMS:
            forms[(sent.step, sent.item.id)] = failed
        recorded = sent.extra.get("recorded", recorded)
    contributions, questions = sessions.not_yet_on_agenda(db, session)
    return render_template(
        "panels/session_run.html",
        session=session,
        panel=session.panel,
        forms=forms,
        add_item=add_item,
        failed=failed,
        failed_at=(sent.step, sent.item.id if sent.item else None) if sent else None,
        errors=_error_list(failed, sent.anchor if sent else ""),
        members=[member.user for member in session.panel.members],
        recorded=recorded,
        choices=list(Attendance),
        waiting=len(contributions) + len(questions),
        may_propose=can(me(), "propose_action", session.panel),
    )


def _error_list(form: FlaskForm | None, anchor: str) -> list[dict[str, str]]:
    """The GOV.UK error summary's list: each field's first error linked to the field; a rule's
    refusal linked to the part of the page it is about."""
    if form is None:
        return []
    found = [
        {"text": form_field.errors[0], "href": f"#{form_field.id}"}
        for form_field in form
        if form_field.errors
    ]
    found += [{"text": message, "href": f"#{anchor}"} for message in form.form_errors]
    return found


@blueprint.route("/sessions/<int:session_id>/minutes/assemble", methods=["GET", "POST"])
def session_assemble_minutes(session_id: int) -> Any:
    session = _load(session_id, "manage")
    form = ButtonForm()
    back = url_for(".session_run", session_id=session.id, _anchor="minutes")
    if form.validate_on_submit():
        outcome = attempt(form, lambda: sessions.assemble_minutes(get_db(), me(), session))
        if outcome is not REFUSED:
            flash(
                "The minutes draft has been assembled from what was recorded. Check and edit "
                "it, then publish it to members.",
                "success",
            )
            return redirect(url_for(".session_minutes", session_id=session.id))
    replacing = bool(session.minutes or session.decisions)
    return render_template(
        "confirm.html",
        form=form,
        title="Assemble the minutes draft?",
        detail=(
            "The minutes and decisions written so far will be replaced by a draft made from "
            "the agenda and what was recorded against each item."
            if replacing
            else "A draft of the minutes and decisions will be made from the agenda and what "
            "was recorded against each item, for you to edit before publishing."
        ),
        button="Assemble the minutes",
        back=back,
        warning=replacing,
    )
