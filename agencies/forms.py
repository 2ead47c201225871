"""Forms for registering agencies and managing their users."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, InputRequired, Length, Regexp, ValidationError

from agencies.agencies import SLUG_PATTERN
from agencies.models import AgencyKind, Role
from portal.pages import Form


class ProviderFields(Form):
    issuer = StringField(
        "Issuer URL",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the issuer URL of the agency's sign-in service"),
            URL(
                require_tld=False,
                message="Enter the issuer as a full URL, like https://login.example.gov.uk",
            ),
            Length(max=300),
        ],
    )
    client_id = StringField(
        "Client ID",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the client ID the sign-in service gave the portal"),
            Length(max=200),
        ],
    )
    token_endpoint_auth_method = RadioField(
        "How the portal proves who it is to the sign-in service",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(
                "client_secret_basic",
                "Client secret, in the Authorization header (client_secret_basic)",
            ),
            SelectChoice(
                "client_secret_post", "Client secret, in the request body (client_secret_post)"
            ),
            SelectChoice(
                "private_key_jwt", "Assertion signed with the portal's key (private_key_jwt)"
            ),
            SelectChoice("none", "No client authentication: PKCE alone (a public client)"),
        ],
        default="client_secret_basic",
        validators=[InputRequired(message="Select how the portal proves who it is")],
    )
    auto_approve = BooleanField("Approve new accounts automatically", widget=GovCheckboxInput())


class AgencyForm(ProviderFields):
    name = StringField(
        "Agency name",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the agency's name"), Length(max=200)],
    )
    kind = SelectField(
        "Type of agency",
        widget=GovSelect(),
        choices=[SelectChoice(kind.value, kind.label) for kind in AgencyKind],
        validators=[InputRequired(message="Select the type of agency")],
    )
    slug = StringField(
        "Short name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a short name, like met-police"),
            Length(max=60),
            Regexp(
                SLUG_PATTERN,
                message="The short name must use only lower-case letters, numbers and hyphens",
            ),
        ],
    )
    submit = SubmitField("Register agency", widget=GovSubmitInput())


class ProviderForm(ProviderFields):
    enabled = BooleanField("Staff can sign in with this provider", widget=GovCheckboxInput())
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class RolesForm(Form):
    roles = SelectMultipleField(
        "Roles", widget=GovCheckboxesInput(), choices=[], validate_choice=False
    )
    submit = SubmitField("Save roles", widget=GovSubmitInput())

    def offer(self, roles: frozenset[Role]) -> None:
        self.roles.choices = [
            SelectChoice(role.value, role.label) for role in Role if role in roles
        ]

    def validate_roles(self, field: SelectMultipleField) -> None:
        offered = {value for value, *_rest in field.iter_choices()}
        if not set(field.data or []) <= offered:
            raise ValidationError("Select only roles from the list: you cannot give the others")
