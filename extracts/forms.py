"""Forms for a case's review and parties, and for preparing, issuing and reading extracts."""

from __future__ import annotations

from typing import Any

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
from portal.pages import Form, as_id
from portal.widgets import LongSelect


class ReviewForm(Form):
    document = FileField("Upload the review", widget=GovFileInput())
    pasted = text_area("Or paste its text", rows=10)
    submit = SubmitField("Save the review", widget=GovSubmitInput())


class PartyForm(Form):
    name = text_input("Full name", "Enter the person's full name")
    role = RadioField(
        "Their part in the case",
        widget=GovRadioInput(),
        choices=choices(PartyRole),
        validators=[InputRequired(message="Choose their part in the case")],
    )
    agency = SelectField(
        "Their agency (staff only)",
        widget=LongSelect(),
        coerce=optional_int,
        invalid_choice_message="Choose their agency from the list",
    )
    user = SelectField(
        "Their portal account (staff only)",
        widget=GovSelect(),
        coerce=optional_int,
        invalid_choice_message="Choose their account from the list",
    )
    submit = SubmitField("Add person", widget=GovSubmitInput())


class StartExtractForm(Form):
    show_recipient_name = BooleanField(
        "Let each recipient see their own name", widget=GovCheckboxInput(), default=True
    )
    submit = SubmitField("Prepare an extract", widget=GovSubmitInput())


class AddRedactionForm(Form):
    fragment = text_input("Words to redact", "Enter the words to redact, as they appear", 300)
    reason = text_input("Why", max_length=200)
    # Filled in by the page's script when text is selected: then only that occurrence goes.
    section = HiddenField()
    start = HiddenField()
    end = HiddenField()
    submit = SubmitField("Add redaction", widget=GovSubmitInput())

    def selection(self) -> tuple[int, int, int] | None:
        """The section and offsets of the selected text, or None to redact every occurrence."""
        if not (self.section.data and self.start.data and self.end.data):
            return None
        section, start, end = (as_offset(f.data) for f in (self.section, self.start, self.end))
        assert section is not None and start is not None and end is not None  # validated
        return section, start, end

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        sent = [f.data for f in (self.section, self.start, self.end)]
        if all(sent) and any(as_offset(value) is None for value in sent):
            # The page's script fills these in; anything else was not a selection of the text.
            self.form_errors.append(
                "The selected text could not be found: select it again, or type the words"
            )
            return False
        return valid


def as_offset(value: object) -> int | None:
    """A position in a review's text (0 and up), or None if `value` is not one."""
    if value == "0":
        return 0
    return as_id(value)


class SendBackForm(Form):
    reason = text_area("What should change", "Say what the preparer should change", rows=4)
    submit = SubmitField("Send back to the preparer", widget=GovSubmitInput())


class IssueForm(Form):
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


class ExpiryForm(Form):
    expires_on = UkDateField("Expires on")
    submit = SubmitField("Save expiry", widget=GovSubmitInput())


class CommentForm(Form):
    text = text_area("Your factual-accuracy comment", "Write your comment", rows=6)
    submit = SubmitField("Send to the chair", widget=GovSubmitInput())
