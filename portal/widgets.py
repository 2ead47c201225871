"""Form widgets of our own, where GOV.UK Frontend's cost more than a page may take."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from markupsafe import Markup
from wtforms import Field
from wtforms.fields.choices import SelectChoice


class LongSelect(GovSelect):
    """GOV.UK's select for a long list, such as every agency of a national service: the HTML
    GovSelect writes, with the options written by a plain loop rather than a macro each
    (templates/components/long_select.html), and read straight from the field's (value, label)
    pairs rather than through WTForms' `iter_choices`, which makes two dataclasses an option
    (3 ms for 400 agencies)."""

    template = "components/long_select.html"

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        pairs = _pairs(getattr(field, "choices", None))
        if pairs is None:
            return super().__call__(field, **kwargs)  # choices in a shape of WTForms' own
        kwargs.setdefault("id", field.id)
        if "required" not in kwargs and "required" in getattr(field, "flags", []):
            kwargs["required"] = True
        coerce, data = field.coerce, field.data  # type: ignore[attr-defined]
        # As SelectField.iter_choices marks the chosen option, without its objects.
        kwargs["items"] = [
            {"text": label, "value": value, "selected": coerce(value) == data}
            for value, label in pairs
        ]
        return GovFormBase.__call__(self, field, **kwargs)  # type: ignore[no-any-return]


def _pairs(choices: Any) -> list[tuple[Any, Any]] | None:
    """(value, label) of each choice given as a pair or a SelectChoice, as GovSelect shows them
    (it leaves out groups and each option's own attributes); None for any other shape."""
    if not isinstance(choices, list | tuple):
        return None
    pairs = []
    for choice in choices:
        if isinstance(choice, SelectChoice):
            pairs.append((choice.value, choice.label))
        elif isinstance(choice, tuple) and len(choice) == 2:
            pairs.append(choice)
        else:
            return None
    return pairs
