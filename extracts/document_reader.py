"""Reading an uploaded review: the core's sandboxed reader (`portal.documents`), its refusals
naming the review."""

from __future__ import annotations

from portal import documents
from portal.document_text import Caps, Limits
from portal.documents import ACCEPTED as ACCEPTED
from portal.documents import CAPS as CAPS
from portal.documents import LIMITS as LIMITS
from portal.documents import MAX_BYTES as MAX_BYTES
from portal.documents import UnreadableDocument as UnreadableDocument

WHAT = "The review"


def check_upload(filename: str, data: bytes) -> str:
    """The review's kind (its suffix) if it may be read at all, or UnreadableDocument."""
    return documents.check_upload(filename, data, WHAT)


def read_document(filename: str, data: bytes, *, caps: Caps = CAPS, limits: Limits = LIMITS) -> str:
    """The text of an uploaded review, read in a limited process, or UnreadableDocument."""
    return documents.read_document(filename, data, caps=caps, limits=limits, what=WHAT)
