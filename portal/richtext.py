"""Rich text people write: a small, safe subset of HTML, cleaned with bleach before it is kept."""

from __future__ import annotations

import html
import re

import bleach

ALLOWED_TAGS = frozenset({"p", "br", "ul", "ol", "li", "em", "strong", "b", "i", "a"})
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_HAS_BLOCK = re.compile(r"<\s*(p|ul|ol)\b", re.I)


def clean(text: str) -> str:
    """Safe HTML from what was typed: plain paragraphs become <p>, anything else is stripped."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return ""
    if not _HAS_BLOCK.search(text):
        paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
        text = "".join(f"<p>{part.replace(chr(10), '<br>')}</p>" for part in paragraphs)
    return bleach.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )


def to_plain(markup: str) -> str:
    """The words of cleaned HTML, for a textarea, a CSV cell or a calendar entry."""
    text = re.sub(r"</p>\s*", "\n\n", markup)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"<li>", "- ", text)
    text = re.sub(r"</li>", "\n", text)
    stripped = bleach.clean(text, tags=set(), strip=True)
    return re.sub(r"\n{3,}", "\n\n", html.unescape(stripped)).strip()


def to_editable(markup: str) -> str:
    """Cleaned HTML back into what someone types: paragraphs as blank lines, other tags kept."""
    text = re.sub(r"</p>\s*<p>", "\n\n", markup)
    text = re.sub(r"^<p>|</p>$", "", text)
    return re.sub(r"<br\s*/?>", "\n", text)
