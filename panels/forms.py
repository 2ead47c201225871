"""Forms for the panel pages, and the form pieces other areas build theirs from: the GOV.UK
date field, text boxes, choices from an enum, and a form that carries the version it edits."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time
from typing import Any

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from panels.dip_samples import MAX_SIZE
from panels.models.actions import RESPONSES
from panels.models.cases import (
    MappaCategory,
    MappaLevel,
    OffenceCategory,
    ProbationRegion,
    QualityRating,
    ReviewStatus,
)
from panels.models.contributions import SECTIONS
from panels.models.impact import ImpactOutcome
from panels.models.learning import LearningLevel, LearningResponse
from portal import richtext
from portal.clock import LONDON
from portal.db import LabelledEnum
from portal.pages import Form, as_id
from portal.widgets import LongSelect


def choices(enum: type[LabelledEnum], blank: str | None = None) -> list[SelectChoice]:
    options = [SelectChoice(member.value, member.label) for member in enum]
    return ([SelectChoice("", blank)] if blank is not None else []) + options


# Dates people enter fall within these years: every date within them can be stored, shown and
# turned into a time in UK time and in UTC (31/12/9999 cannot: the next day does not exist).
FIRST_YEAR = 1900
LAST_YEAR = 2200


class UkDateField(DateField):
    """A GOV.UK date input: day, month and year boxes, for a year from FIRST_YEAR to LAST_YEAR."""

    def __init__(self, label: str, required: str | None = None, **kwargs: Any) -> None:
        validators = [InputRequired(message=required)] if required else [Optional()]
        super().__init__(
            label, format="%d %m %Y", widget=GovDateInput(), validators=validators, **kwargs
        )

    def process_formdata(self, valuelist: list[Any]) -> None:
        if len(valuelist) != 3:
            # Not sent at all (a filter left out of a link): the widget needs three boxes or none.
            self.raw_data = None
            valuelist = []
        if not valuelist or not "".join(valuelist).strip():
            self.data = None
            return
        try:
            day = datetime.strptime(" ".join(valuelist), "%d %m %Y").date()
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date, like 27 3 2026") from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            self.data = None
            raise ValueError(f"{self.label.text} must have a year from {FIRST_YEAR} to {LAST_YEAR}")
        self.data = day


class VersionedForm(Form):
    """A form editing a record: it carries the version the editor started from."""

    version = HiddenField()
    # Fields holding cleaned rich text, shown for editing as it would have been typed.
    RICH: tuple[str, ...] = ()

    def load(self, record: Any) -> None:
        """Fill the form from `record`, to edit it."""
        self.version.data = str(record.version)
        for name in self.RICH:
            getattr(self, name).data = richtext.to_editable(getattr(record, name))

    def version_seen(self) -> int:
        """The version the editor started from; 0, which no record has, if it was tampered with:
        the save is then refused as a conflict, keeping what they typed."""
        return as_id(self.version.data) or 0


def text_input(label: str, message: str | None = None, max_length: int = 200) -> StringField:
    validators: list[Any] = [Length(max=max_length)]
    if message:
        validators.insert(0, InputRequired(message=message))
    return StringField(label, widget=GovTextInput(), validators=validators)


def radios(label: str, options: list[SelectChoice], message: str) -> RadioField:
    """A question answered by choosing one of `options`; `message` when none is chosen."""
    return RadioField(
        label, widget=GovRadioInput(), choices=options, validators=[InputRequired(message=message)]
    )


def text_area(label: str, message: str | None = None, rows: int = 6) -> TextAreaField:
    validators: list[Any] = [Length(max=50_000)]
    if message:
        validators.insert(0, InputRequired(message=message))
    return TextAreaField(
        label, widget=GovTextArea(), validators=validators, render_kw={"rows": rows}
    )


class CaseForm(Form):
    reference = text_input("Case reference", "Enter the case reference", 40)
    region = SelectField(
        "Probation region",
        widget=GovSelect(),
        choices=choices(ProbationRegion, "Choose a region"),
        validators=[InputRequired(message="Choose the probation region")],
    )
    offence_category = SelectField(
        "Offence",
        widget=GovSelect(),
        choices=choices(OffenceCategory, "Choose an offence"),
        validators=[InputRequired(message="Choose the offence")],
    )
    offence_date = UkDateField("Date of the offence", "Enter the date of the offence")
    charge_date = UkDateField("Date of charge (if charged)")
    high_profile = BooleanField("High-profile case", widget=GovCheckboxInput())
    mappa_category = SelectField(
        "MAPPA category", widget=GovSelect(), choices=choices(MappaCategory, "Not a MAPPA case")
    )
    mappa_level = SelectField(
        "MAPPA level", widget=GovSelect(), choices=choices(MappaLevel, "Not managed at a level")
    )
    review_status = SelectField(
        "SFO review status",
        widget=GovSelect(),
        choices=choices(ReviewStatus),
        validators=[InputRequired(message="Choose the review's status")],
    )
    quality_rating = SelectField(
        "Quality rating of the review",
        widget=GovSelect(),
        choices=choices(QualityRating, "Not rated yet"),
    )
    submit = SubmitField("Save case", widget=GovSubmitInput())

    def validate_charge_date(self, field: UkDateField) -> None:
        if field.data and self.offence_date.data and field.data < self.offence_date.data:
            raise ValidationError("The date of charge cannot be before the offence")

    def fields(self) -> dict[str, Any]:
        """The case's fields as the services take them."""

        def optional(enum: type[LabelledEnum], value: str | None) -> Any:
            return enum(value) if value else None

        return {
            "reference": (self.reference.data or "").strip(),
            "region": ProbationRegion(self.region.data),
            "offence_category": OffenceCategory(self.offence_category.data),
            "offence_date": self.offence_date.data,
            "charge_date": self.charge_date.data,
            "high_profile": self.high_profile.data,
            "mappa_category": optional(MappaCategory, self.mappa_category.data),
            "mappa_level": optional(MappaLevel, self.mappa_level.data),
            "review_status": ReviewStatus(self.review_status.data),
            "quality_rating": optional(QualityRating, self.quality_rating.data),
        }


class PanelForm(VersionedForm):
    RICH = ("terms_of_reference",)
    terms_of_reference = text_area(
        "Terms of reference", "Write the panel's terms of reference", rows=8
    )
    contribution_deadline = UkDateField("Deadline for agencies' contributions")
    action_plan_target_date = UkDateField("Target date for the action plan")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_action_plan_target_date(self, field: UkDateField) -> None:
        deadline = self.contribution_deadline.data
        if field.data and deadline and field.data < deadline:
            raise ValidationError("The action plan cannot be due before the contributions")


class InviteForm(Form):
    agency = SelectField(
        "Agency",
        widget=LongSelect(),
        coerce=int,
        validators=[InputRequired(message="Choose an agency to invite")],
    )
    submit = SubmitField("Invite agency", widget=GovSubmitInput())


class MemberForm(Form):
    user = SelectField(
        "Person",
        widget=GovSelect(),
        coerce=int,
        validators=[InputRequired(message="Choose a person")],
    )
    role = HiddenField()
    submit = SubmitField("Add to panel", widget=GovSubmitInput())


class ContributionForm(VersionedForm):
    RICH = tuple(SECTIONS)
    involvement = text_area(SECTIONS["involvement"], rows=8)
    analysis = text_area(SECTIONS["analysis"], rows=8)
    good_practice = text_area(SECTIONS["good_practice"])
    learning = text_area(SECTIONS["learning"])
    proposed_actions = text_area(SECTIONS["proposed_actions"])
    submit = SubmitField("Save draft", widget=GovSubmitInput())
    # Saves, then asks to confirm the submission: once submitted it cannot be changed.
    save_and_submit = SubmitField("Save and submit", widget=GovSubmitInput())

    def sections(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in SECTIONS}


class EventForm(Form):
    event_date = UkDateField("Date", "Enter the date of the event")
    event = text_area("What happened", "Describe the event", rows=3)
    agency_action = text_area("What the agency did", rows=3)
    comment = text_area("Comment on the practice", rows=3)
    submit = SubmitField("Add to chronology", widget=GovSubmitInput())


class ReturnForm(Form):
    comments = text_area("Comments for the agency", "Say what the agency should change")
    submit = SubmitField("Return to the agency", widget=GovSubmitInput())


_TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")


class SessionForm(VersionedForm):
    RICH = ("agenda",)
    day = UkDateField("Date", "Enter the date of the session")
    start = text_input("Start time", "Enter the start time, like 14:30", 5)
    duration_minutes = IntegerField(
        "Length in minutes",
        widget=GovTextInput(),
        default=120,
        validators=[
            InputRequired(message="Enter the length in minutes"),
            NumberRange(min=15, max=600, message="The length must be between 15 and 600 minutes"),
        ],
    )
    location = text_input("Place", max_length=300)
    online_link = StringField(
        "Online meeting link",
        widget=GovTextInput(),
        validators=[Optional(), URL(message="Enter the link as a web address"), Length(max=500)],
    )
    agenda = text_area("Agenda", rows=8)
    submit = SubmitField("Save session", widget=GovSubmitInput())

    def validate_start(self, field: StringField) -> None:
        if not _TIME.match(field.data or ""):
            raise ValidationError("Enter the start time as hours and minutes, like 14:30")

    def starts_at(self) -> datetime:
        """The start, entered in UK time, as a UTC timestamp."""
        match = _TIME.match(self.start.data or "")
        assert match and self.day.data
        local = datetime.combine(self.day.data, time(int(match[1]), int(match[2])), LONDON)
        return local.astimezone(UTC)


class MinutesForm(VersionedForm):
    RICH = ("minutes", "decisions")
    minutes = text_area("Minutes", rows=12)
    decisions = text_area("Decisions", rows=6)
    submit = SubmitField("Save minutes", widget=GovSubmitInput())


# Running a session: each agenda item has small forms of its own on the one page, each with a
# prefix naming the item, so that their fields' ids differ and an error points at the right one.


class AgendaItemForm(Form):
    title = text_input("Title of the item", "Give the agenda item a title", 300)
    submit = SubmitField("Add to the agenda", widget=GovSubmitInput())


class ItemNotesForm(Form):
    notes = text_area("Notes of the discussion", rows=4)
    submit = SubmitField("Save notes", widget=GovSubmitInput())


class DecisionForm(Form):
    text = text_area("Decision", "Write the decision", rows=3)
    submit = SubmitField("Record decision", widget=GovSubmitInput())


class QuestionForm(Form):
    text = text_area("Question left open", "Write the question", rows=3)
    submit = SubmitField("Record question", widget=GovSubmitInput())


class LearningForm(Form):
    title = text_input("Learning point", "Summarise the learning in a line")
    description = text_area("What was learnt", rows=6)
    level = radios(
        "Level it applies to",
        choices(LearningLevel),
        "Choose the level the learning applies to",
    )
    themes = SelectMultipleField(
        "Themes",
        widget=GovCheckboxesInput(),
        coerce=int,
        validators=[InputRequired(message="Choose at least one theme")],
    )
    agencies = SelectMultipleField("Agencies it concerns", widget=GovCheckboxesInput(), coerce=int)
    submit = SubmitField("Save learning", widget=GovSubmitInput())


def optional_int(value: Any) -> int | None:
    """An id chosen in a list, None for the blank choice, or 0 (which no record has) for
    anything else, so that the list refuses it as a choice it does not offer."""
    if value is None or value == "":
        return None
    return as_id(value) or 0


class LibraryForm(Form):
    """The learning library's filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField("Search", widget=GovTextInput(), validators=[Length(max=200)])
    # Each select is written by LongSelect, the HTML GovSelect writes without a macro an option
    # (GovSelect: 0.5 ms for the themes, as much for the regions; LongSelect: 0.2 ms each).
    theme = SelectField("Theme", widget=LongSelect(), coerce=optional_int, validate_choice=False)
    agency = SelectField("Agency", widget=LongSelect(), coerce=optional_int, validate_choice=False)
    region = SelectField(
        "Region",
        widget=LongSelect(),
        choices=choices(ProbationRegion, "Any region"),
        validate_choice=False,
    )
    since = UkDateField("Recorded on or after")
    until = UkDateField("Recorded on or before")
    # Offered to agency leads only (the view leaves it out for anyone else).
    waiting = BooleanField(
        "Only learning waiting for my agency's acknowledgement", widget=GovCheckboxInput()
    )
    submit = SubmitField("Filter", widget=GovSubmitInput())


class ActionForm(VersionedForm):
    RICH = ("description", "measure_of_success")
    description = text_area("Action", "Describe what will be done", rows=4)
    owner_agency = SelectField(
        "Owning agency",
        widget=GovSelect(),
        coerce=int,
        validators=[InputRequired(message="Choose the agency that owns the action")],
    )
    owner_role = text_input(
        "Owner's role", "Give the role responsible, like Head of Public Protection"
    )
    target_date = UkDateField("Target date", "Enter the target date")
    measure_of_success = text_area(
        "Measure of success", "Say how success will be evidenced", rows=3
    )
    learning_point = SelectField(
        "Learning it answers",
        widget=GovSelect(),
        coerce=optional_int,
        invalid_choice_message="Choose learning from the list",
    )
    submit = SubmitField("Save action", widget=GovSubmitInput())


class AcknowledgeForm(Form):
    response = radios(
        "What did your agency do with this learning?",
        choices(LearningResponse),
        "Choose what your agency did with the learning",
    )
    detail = text_area(
        "What was done, or why no action is being taken",
        "Say what your agency did, or why it is taking no action",
        rows=5,
    )
    done_on = UkDateField("Date it was done", "Enter the date it was done")
    submit = SubmitField("Save acknowledgement", widget=GovSubmitInput())


class ResponseForm(Form):
    answer = radios(
        "Your agency's answer",
        [SelectChoice(state.value, state.label) for state in RESPONSES],
        "Choose Agreed, Partly agreed or Not agreed",
    )
    reason = text_area("Reason", rows=4)
    submit = SubmitField("Send answer", widget=GovSubmitInput())

    def validate_reason(self, field: TextAreaField) -> None:
        if self.answer.data in ("partly_agreed", "not_agreed") and not (field.data or "").strip():
            raise ValidationError("Say why your agency has not fully agreed the action")


class ProgressForm(Form):
    text = text_area("Progress and its evidence", "Describe the progress and its evidence", rows=5)
    evidence = FileField("Attach evidence (optional)", widget=GovFileInput())
    submit = SubmitField("Add progress", widget=GovSubmitInput())


class ImpactReviewForm(VersionedForm):
    RICH = ("evidence",)

    outcome = radios(
        "Did the action change practice?",
        choices(ImpactOutcome),
        "Choose whether the action changed practice",
    )
    evidence = text_area(
        "What shows it",
        "Say what shows whether practice changed",
        rows=6,
    )
    submit = SubmitField("Save impact review", widget=GovSubmitInput())


YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


class DipSampleForm(Form):
    region = SelectField(
        "Probation region",
        widget=GovSelect(),
        choices=choices(ProbationRegion, "Choose a region"),
        validators=[InputRequired(message="Choose the region to sample")],
    )
    size = IntegerField(
        "How many completed actions to sample",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter how many actions to sample"),
            NumberRange(min=1, max=MAX_SIZE, message=f"Enter a number from 1 to {MAX_SIZE}"),
        ],
    )
    submit = SubmitField("Draw the sample", widget=GovSubmitInput())


class FindingForm(VersionedForm):
    RICH = ("finding",)

    delivered_as_intended = radios(
        "Was the action delivered as intended?",
        YES_NO,
        "Say whether the action was delivered as intended",
    )
    impact_evidenced = radios(
        "Is its impact evidenced?", YES_NO, "Say whether its impact is evidenced"
    )
    finding = text_area("Finding", rows=6)
    submit = SubmitField("Save finding", widget=GovSubmitInput())
