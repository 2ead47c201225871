"""Pages for panel sessions: scheduling, attendance, minutes, and their PDF and calendar files."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from agencies.signed_in import me
from panels import sessions
from panels.forms import MinutesForm, SessionForm
from panels.ical import session_ics
from panels.minutes_pdf import minutes_pdf
from panels.models.panels import Panel
from panels.models.sessions import Attendance, PanelSession
from panels.views import blueprint
from portal import downloads
from portal.clock import LONDON
from portal.db import get_db
from portal.pages import REFUSED, ButtonForm, Refused, attempt, confirm, get_or_404
from portal.policy import ensure


def _load(session_id: int, action: str) -> PanelSession:
    session = get_or_404(PanelSession, session_id)
    ensure(action, session)
    return session


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
        chosen = {}
        for person in members:
            value = request.form.get(f"attendance-{person.id}")
            if value:
                try:
                    chosen[person.id] = Attendance(value)
                except ValueError:
                    abort(400)  # the page offers only the choices; nothing else is an answer
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
