"""File downloads: a safe name in the Content-Disposition header, and a Content-Type found from
the bytes themselves, never from what an uploader's browser claimed."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from flask import Response


@dataclass(frozen=True)
class Kind:
    """What a file is: the Content-Type it is sent with and the extension its name must end in."""

    mimetype: str
    extension: str


PDF = Kind("application/pdf", ".pdf")
WORD = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
TEXT = Kind("text/plain", ".txt")
# Text the portal writes itself, which the route names: the bytes cannot tell these from TEXT.
CSV = Kind("text/csv", ".csv")
CALENDAR = Kind("text/calendar", ".ics")

MAX_NAME_LENGTH = 120
FALLBACK_NAME = "download"
# RFC 5987 attr-char, as Werkzeug's send_file quotes filename*: everything else is %-encoded.
_ATTR_CHARS = "!#$&+-.^_`|~"
# Kept in the plain ASCII name; anything else (quotes, semicolons, %, backslashes) becomes "_",
# so no client can read a second parameter or an escape into it.
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9 !#$&'()+,\-.=@\[\]^_`{}~]")
# Characters a name must not hold: controls (\r, \n, NUL) and line breaks become spaces; format
# characters (the right-to-left override that shows "cod.exe" as "exe.doc"), surrogates,
# private use and unassigned ones are dropped.
_BREAKS = {"Cc", "Zl", "Zp"}
_INVISIBLE = {"Cf", "Cs", "Co", "Cn"}


def kind_of(data: bytes, text: Kind = TEXT) -> Kind:
    """What the bytes are: a PDF, a Word document, or else text (sent as `text`)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04") and _holds_word_document(data):
        return WORD
    return text


def _holds_word_document(data: bytes) -> bool:
    # Only the zip's directory is read, never a member: nothing here expands.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
        return False
    return True


def safe_name(name: str, kind: Kind) -> str:
    """`name` fit to show and to save: its last path part, no control or invisible characters,
    at most MAX_NAME_LENGTH characters, ending in the extension of what the file is."""
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if char.isspace() or unicodedata.category(char) in _BREAKS else char
        for char in name
        if unicodedata.category(char) not in _INVISIBLE
    )
    # Leading dots hide a file on Unix; trailing dots and spaces are dropped by Windows.
    name = re.sub(r" {2,}", " ", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot or f".{extension.lower()}" != kind.extension:
        # The name must not promise one kind (".html", ".exe") while the bytes are another.
        stem = name
    stem = stem.strip(" .")[: MAX_NAME_LENGTH - len(kind.extension)].rstrip(" .")
    return (stem or FALLBACK_NAME) + kind.extension


def name_part(text: str) -> str:
    """Text from a record (a case reference, "SFO/2026/0042") made fit to be part of a name,
    its slashes kept as hyphens rather than read as folders."""
    return re.sub(r"[/\\]", "-", text)


def download(data: bytes, name: str, *, text: Kind = TEXT) -> Response:
    """A response that downloads `data` as a file named after `name`.

    The Content-Type comes from the bytes (text is sent as `text`, for the exports that name
    theirs); the name is sent twice, per RFC 6266: plain ASCII in `filename`, for old clients,
    and in full in `filename*` (RFC 5987), which every current browser prefers. Headers hold
    only ASCII, so a name in Welsh or with an en dash cannot break the response.
    """
    kind = kind_of(data, text)
    return _attachment(Response(data, content_type=_content_type(kind, data)), name, kind)


def stream(chunks: Iterable[bytes], name: str, kind: Kind) -> Response:
    """A response that downloads text the portal writes as it goes (an export's rows, read from
    the database a batch at a time), never whole in memory: sent as `kind`, in UTF-8.

    Wrap a generator that reads the database in `flask.stream_with_context`, so the request's
    session is still open while the response is sent."""
    response = Response(chunks, content_type=f"{kind.mimetype}; charset=utf-8")
    return _attachment(response, name, kind)


def _attachment(response: Response, name: str, kind: Kind) -> Response:
    shown = safe_name(name, kind)
    response.headers.set(
        "Content-Disposition",
        "attachment",
        filename=_plain(shown, kind),
        **{"filename*": "UTF-8''" + quote(shown, safe=_ATTR_CHARS)},
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _content_type(kind: Kind, data: bytes) -> str:
    if not kind.mimetype.startswith("text/"):
        return kind.mimetype
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        # An upload in some other encoding: better no charset than a wrong one.
        return kind.mimetype
    return f"{kind.mimetype}; charset=utf-8"


def _plain(name: str, kind: Kind) -> str:
    """The name in ASCII: accents dropped ("Łódź" gives "_odz"), anything else as "_"."""
    ascii_name = "".join(
        char if char.isascii() else "_"
        for char in unicodedata.normalize("NFKD", name)
        if not unicodedata.combining(char)
    )
    ascii_name = _NOT_PLAIN.sub("_", ascii_name)
    stem = ascii_name.removesuffix(kind.extension).strip(" .")
    return (stem or FALLBACK_NAME) + kind.extension
