"""Forms for a case's review and parties, and for preparing, issuing and reading extracts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    SubmitField,
)
from wtforms.validators import InputRequired, ValidationError

from extracts.models import PartyRole
from panels.forms import UkDateField, choices, optional_int, text_area, text_input
from portal import clock


class ReviewForm(FlaskForm):
    document = FileField("Upload the review", widget=GovFileInput())
    pasted = text_area("Or paste its text", rows=10)
    submit = SubmitField("Save the review", widget=GovSubmitInput())


class PartyForm(FlaskForm):
    name = text_input("Full name", "Enter the person's full name")
    role = RadioField(
        "Their part in the case",
        widget=GovRadioInput(),
        choices=choices(PartyRole),
        validators=[InputRequired(message="Choose their part in the case")],
    )
    agency = SelectField(
        "Their agency (staff only)", widget=GovSelect(), coerce=optional_int, validate_choice=False
    )
    user = SelectField(
        "Their portal account (staff only)",
        widget=GovSelect(),
        coerce=optional_int,
        validate_choice=False,
    )
    submit = SubmitField("Add person", widget=GovSubmitInput())


class StartExtractForm(FlaskForm):
    show_recipient_name = BooleanField(
        "Let each recipient see their own name", widget=GovCheckboxInput(), default=True
    )
    submit = SubmitField("Prepare an extract", widget=GovSubmitInput())


class AddRedactionForm(FlaskForm):
    fragment = text_input("Words to redact", "Enter the words to redact, as they appear", 300)
    reason = text_input("Why", max_length=200)
    # Filled in by the page's script when text is selected: then only that occurrence goes.
    section = HiddenField()
    start = HiddenField()
    end = HiddenField()
    submit = SubmitField("Add redaction", widget=GovSubmitInput())


class SendBackForm(FlaskForm):
    reason = text_area("What should change", "Say what the preparer should change", rows=4)
    submit = SubmitField("Send back to the preparer", widget=GovSubmitInput())


class IssueForm(FlaskForm):
    recipients = SelectMultipleField(
        "Issue to",
        widget=GovCheckboxesInput(),
        coerce=int,
        validators=[InputRequired(message="Choose who to issue the extract to")],
    )
    expires_on = UkDateField("Expires on (optional)")
    submit = SubmitField("Issue the extract", widget=GovSubmitInput())

    def validate_expires_on(self, field: UkDateField) -> None:
        if field.data and field.data <= clock.today():
            raise ValidationError("The expiry date must be in the future")


class ExpiryForm(FlaskForm):
    expires_on = UkDateField("Expires on")
    submit = SubmitField("Save expiry", widget=GovSubmitInput())


class CommentForm(FlaskForm):
    text = text_area("Your factual-accuracy comment", "Write your comment", rows=6)
    submit = SubmitField("Send to the chair", widget=GovSubmitInput())
