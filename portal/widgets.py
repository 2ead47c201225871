"""Form widgets of our own, where GOV.UK Frontend's cost more than a page may take."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect


class LongSelect(GovSelect):
    """GOV.UK's select for a long list, such as every agency of a national service: the HTML
    GovSelect writes, with the options written by a plain loop rather than a macro each
    (templates/components/long_select.html)."""

    template = "components/long_select.html"
