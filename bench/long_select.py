"""Rendering a select of every agency of a national service (400), with GOV.UK Frontend's
widget and with ours (portal.widgets.LongSelect), side by side.

    .venv/bin/python -m bench.long_select [--options 400] [--repeat 50]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import time

from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import Form, SelectField

from bench.web import portal_environment
from portal.app import create_app
from portal.widgets import LongSelect


def timings(widget: GovSelect, options: int, repeat: int) -> list[float]:
    class Chooser(Form):
        agency = SelectField(
            "Agency", widget=widget, choices=[(str(n), f"Agency {n}") for n in range(options)]
        )

    field = Chooser(data={"agency": "7"}).agency
    field()  # its templates compiled
    took = []
    for _ in range(repeat):
        started = time.perf_counter()
        field()
        took.append((time.perf_counter() - started) * 1000)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--options", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=50)
    arguments = parser.parse_args()
    app = create_app(portal_environment("sqlite://", 8000, secrets.token_hex(32)))
    with app.test_request_context():
        for name, widget in (("GovSelect", GovSelect()), ("LongSelect", LongSelect())):
            took = timings(widget, arguments.options, arguments.repeat)
            print(
                f"{name:10} {arguments.options} options: median {statistics.median(took):.2f} ms, "
                f"min {min(took):.2f} ms over {arguments.repeat}"
            )


if __name__ == "__main__":
    main()
