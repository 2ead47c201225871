"""The reference for bench/web.py: a bare Flask application whose one page is a Jinja template of
about the size of the portal's pages (a GOV.UK layout, a heading, twenty summary cards), served
by the same gunicorn with the same settings. What the portal takes beyond it is the portal's own
work: sign-in session, access rules, queries, its templates.

    .venv/bin/gunicorn 'bench.bare:create_app()'
"""

from __future__ import annotations

from flask import Flask, render_template_string

PAGE = """<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head><meta charset="utf-8"><title>{{ title }} – Multi-agency learning panel portal</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/govuk/govuk-frontend.min.css"></head>
<body class="govuk-template__body">
<header class="govuk-header"><div class="govuk-header__container govuk-width-container">
<a href="/" class="govuk-header__link">Multi-agency learning panel portal</a>
<nav><ul class="govuk-service-navigation__list">
{% for link in links %}<li class="govuk-service-navigation__item">
<a class="govuk-service-navigation__link" href="{{ link }}">{{ link | title }}</a></li>{% endfor %}
</ul></nav></div></header>
<div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">
<h1 class="govuk-heading-l">{{ title }}</h1>
<p class="govuk-body">{{ cards | length }} learning points</p>
{% for card in cards %}
<div class="govuk-summary-card">
<div class="govuk-summary-card__title-wrapper"><h2 class="govuk-summary-card__title">
<a class="govuk-link" href="/learning/{{ card.id }}">{{ card.title }}</a></h2></div>
<div class="govuk-summary-card__content"><dl class="govuk-summary-list">
{% for key, value in card.rows %}
<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{{ key }}</dt>
<dd class="govuk-summary-list__value">{{ value }}</dd></div>
{% endfor %}
</dl></div></div>
{% endfor %}
<nav class="govuk-pagination" aria-label="Pagination"><ul class="govuk-pagination__list">
{% for number in range(1, 8) %}<li class="govuk-pagination__item">
<a class="govuk-link govuk-pagination__link" href="?page={{ number }}">{{ number }}</a></li>
{% endfor %}</ul></nav>
</main></div>
<footer class="govuk-footer"><div class="govuk-width-container">
<p class="govuk-footer__meta">All content is available under the Open Government Licence v3.0,
except where otherwise stated</p></div></footer>
</body></html>
"""

CARDS = [
    {
        "id": number,
        "title": f"The probation practitioner did not share information about a new partner "
        f"with partner agencies ({number})",
        "rows": [
            ("Themes", "Information sharing, Domestic abuse enquiries"),
            ("Level", "Multi-agency"),
            ("Case", f"SFO-2025-{number:04d}, North East"),
            ("Recorded", "3 March 2026"),
        ],
    }
    for number in range(1, 21)
]


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def page() -> str:
        return render_template_string(
            PAGE,
            title="Learning library",
            links=["home", "cases", "panels", "learning", "users"],
            cards=CARDS,
        )

    return app
