"""The person signed in, as the pages of every area act for them."""

from __future__ import annotations

from typing import cast

from flask_login import current_user

from agencies.models import User


def me() -> User:
    """The person signed in: every route but the sign-in pages runs only for one."""
    return cast(User, current_user._get_current_object())  # type: ignore[attr-defined]
