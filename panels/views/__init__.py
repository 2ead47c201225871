"""The panel pages, one module per part of a panel's work, on one blueprint.

The home page (`home.views`) adds its routes to this blueprint too, keeping their endpoint
names; it lives outside panels because it also shows extract work.
"""

from flask import Blueprint

blueprint = Blueprint("panels", __name__)

# Each module adds its routes to the blueprint.
import panels.views.actions  # noqa: E402, F401
import panels.views.cases  # noqa: E402, F401
import panels.views.contributions  # noqa: E402, F401
import panels.views.dip_samples  # noqa: E402, F401
import panels.views.impact_reviews  # noqa: E402, F401
import panels.views.learning  # noqa: E402, F401
import panels.views.panels  # noqa: E402, F401
import panels.views.sessions  # noqa: E402, F401
