"""Reading the text of an uploaded document in a separate process held to limits of processor
time, memory and wall-clock time, so that a hostile file costs a refusal, never a stalled server.

Every area that takes uploads reads them here: a case's review (`extracts.reviews`), the
evidence an agency attaches to progress on an action (`panels.evidence`). `read_document` is a
plain function: a web request or a background job may call it alike.
"""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
from pathlib import Path

from portal.document_text import Caps, Limits, settings
from portal.errors import DomainError

MAX_BYTES = 10 * 1024 * 1024
ACCEPTED = {".docx": "Word document", ".txt": "plain text", ".pdf": "PDF with text"}
CAPS = Caps()
LIMITS = Limits()

_READER = Path(__file__).with_name("document_text.py")
_log = logging.getLogger(__name__)


class UnreadableDocument(DomainError):
    """The document was refused; the message says why, for the person who uploaded it."""


def _unreadable(reason: str) -> UnreadableDocument:
    return UnreadableDocument(f"This document could not be read: {reason}")


def check_upload(filename: str, data: bytes, what: str = "The document") -> str:
    """The file's kind (its suffix) if it may be read at all, or UnreadableDocument: the checks
    that take no time, made while the person waits. `what` names the upload in the refusal
    ("The review")."""
    suffix = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    if suffix not in ACCEPTED:
        raise UnreadableDocument(
            f"{what} must be a Word document (.docx), a text file (.txt) or a PDF with text."
        )
    if len(data) > MAX_BYTES:
        raise UnreadableDocument(f"{what} must be smaller than 10 MB.")
    if not data:
        raise UnreadableDocument("The file is empty.")
    return suffix


def read_document(
    filename: str,
    data: bytes,
    *,
    caps: Caps = CAPS,
    limits: Limits = LIMITS,
    what: str = "The document",
) -> str:
    """The text of an uploaded document, read in a limited process, or UnreadableDocument."""
    suffix = check_upload(filename, data, what)
    text = _read_in_limited_process(suffix, data, caps, limits)
    if not text.strip():
        raise UnreadableDocument(
            "No text could be read from the file. If it is a scanned PDF, upload the Word "
            "document instead or paste the text."
        )
    return text


def _read_in_limited_process(kind: str, data: bytes, caps: Caps, limits: Limits) -> str:
    # -I: none of the environment's or the working directory's modules; -B: no bytecode written
    # (the process may write no file at all).
    command = [sys.executable, "-I", "-B", str(_READER), kind, settings(caps, limits)]
    try:
        finished = subprocess.run(  # noqa: S603 (our own script, no shell, the file on stdin)
            command, input=data, capture_output=True, timeout=limits.wall_seconds, check=False
        )
    except subprocess.TimeoutExpired as error:  # run() has killed the process
        raise _unreadable("it took too long to read.") from error
    if finished.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise _unreadable("it took too long to read.")
    try:
        result = json.loads(finished.stdout) if finished.returncode == 0 else {}
    except ValueError:
        result = {}
    if "text" in result:
        return str(result["text"])
    if "refused" in result:
        raise _unreadable(str(result["refused"]))
    if "memory" in result or b"MemoryError" in finished.stderr:
        raise _unreadable("it needs more memory than the portal allows for one document.")
    _log.error(
        "The document reader failed (exit %s): %s",
        finished.returncode,
        finished.stderr[-2000:].decode(errors="replace"),
    )
    raise UnreadableDocument(
        "This document could not be read. Check that it opens on your computer, save it again "
        "and upload it once more."
    )
