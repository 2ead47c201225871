"""The text of an uploaded document (.txt, .docx or PDF), read under caps on its size and shape.

This module runs inside the limited process that `portal.documents` starts, as a script
(`python -I -B document_text.py`): it imports only the standard library and the parsers (python-docx
and lxml, pypdf), never the portal, so the process starts small and holds nothing of ours.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import resource
import signal
import sys
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Caps:
    """What a document may hold. A genuine 60-page review is far inside each (see the tests)."""

    expanded_bytes: int = 50 * MB  # a .docx, every part unpacked
    parts: int = 1_000  # files inside a .docx
    paragraphs: int = 10_000  # in a .docx, table cells included
    pages: int = 300  # of a PDF
    page_content_bytes: int = MB // 2  # the drawing instructions of one PDF page, unpacked
    content_bytes: int = 8 * MB  # the same over all the pages of a PDF
    characters: int = 1_000_000  # of text read, whatever the kind


@dataclass(frozen=True)
class Limits:
    """What the reading process may use; the parent enforces the wall-clock time."""

    cpu_seconds: int = 5  # a genuine 60-page review takes under half a second
    memory_bytes: int = 512 * MB  # address space; a genuine 60-page review needs under 64 MB
    # Well above the processor time: the reader runs at the lowest priority, so on a busy
    # machine it waits for the web processes; this catches only a reader that is stuck.
    wall_seconds: float = 60.0


NOT_WORD = "it is not a valid Word document."
NOT_PDF = "it is not a valid PDF."
PROTECTED = "it is protected with a password."


class Refused(Exception):
    """The document breaks a cap or is not what it claims to be.

    `reason` completes "This document could not be read: ...".
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def text_of(kind: str, data: bytes, caps: Caps) -> str:
    """The text of `data`, a document of `kind` (".txt", ".docx" or ".pdf"), or Refused."""
    reader = {".txt": _plain_text, ".docx": _word_text, ".pdf": _pdf_text}[kind]
    try:
        return _printable(reader(data, caps))
    except (Refused, MemoryError):
        raise
    except Exception as error:  # any fault of a parser given a hostile file is a refusal
        raise Refused({".pdf": NOT_PDF, ".docx": NOT_WORD}.get(kind, "it is damaged.")) from error


def _too_many_characters(caps: Caps) -> Refused:
    return Refused(f"it has more than {caps.characters:,} characters of text.")


# Control characters (tab and line ends aside) and lone surrogates: PostgreSQL cannot store the
# NUL character, and a lone surrogate cannot be written as UTF-8 at all.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub("", text.replace("\x0c", "\n"))


# Plain text


def _plain_text(data: bytes, caps: Caps) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if len(text) > caps.characters:
        raise _too_many_characters(caps)
    return text


# Word documents

# Archives inside the package: Word never needs to open them, and nothing here will.
_ARCHIVE_MAGIC = (
    b"PK\x03\x04",  # zip, and .docx, .xlsx and the like
    b"PK\x05\x06",  # an empty zip
    b"\x1f\x8b",  # gzip
    b"BZh",  # bzip2
    b"\xfd7zXZ\x00",  # xz
    b"7z\xbc\xaf\x27\x1c",  # 7-Zip
    b"Rar!\x1a\x07",  # RAR
)
# A DTD is how entity bombs and external entities get in; Word never writes one. Looked for in
# every encoding an XML parser detects from the first bytes, in every part whatever its name
# (python-docx parses a part as XML for its declared content type, not its name), images aside:
# an SVG drawn in Illustrator declares entities, and python-docx never parses an image. Should a
# part pretend to be an image, python-docx's parser expands no entity and reads nothing from
# the network, and the parsed parts are asked for a DTD too.
_DECLARATION = re.compile(
    b"|".join(
        re.escape(word.encode(encoding))
        for word in ("<!DOCTYPE", "<!ENTITY")
        for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
    )
)
_OVERLAP = 4 * len("<!DOCTYPE")
# Any element named `p` (a paragraph) or `tc` (a table cell, which holds at least one in any
# document Word writes), whatever its prefix: counted in the bytes before anything is parsed, so
# that 260,000 paragraphs are refused before python-docx spends 25 seconds on them. A rough
# count (a tag split between two chunks is missed); the count after parsing is exact.
_PARAGRAPH_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?(?:p|tc)[\s/>]")
_CHUNK = 64 * 1024


def _word_text(data: bytes, caps: Caps) -> str:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Refused(
            "it is an older Word document (.doc) or protected with a password. Save it as a "
            "Word document (.docx) without a password and upload it again."
        )
    _check_package(data, caps)

    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from lxml import etree

    try:
        document = docx.Document(io.BytesIO(data))
    except etree.LxmlError as error:
        if any(entry.type == etree.ErrorTypes.ERR_NO_MEMORY for entry in error.error_log):
            raise MemoryError from error
        raise Refused(NOT_WORD) from error
    # The scan above reads the bytes; this asks the parser, whatever encoding the parts used.
    for part in document.part.package.iter_parts():
        element = getattr(part, "element", None)
        info = element.getroottree().docinfo if element is not None else None
        if info is not None and (info.doctype or info.internalDTD is not None):
            raise Refused(NOT_WORD)
    if sum(1 for _ in document.element.iter(qn("w:p"), qn("w:tc"))) > caps.paragraphs:
        raise Refused(f"it has more than {caps.paragraphs:,} paragraphs.")

    lines: list[str] = []
    length = 0
    for block in document.iter_inner_content():
        read = list(_rows(block)) if isinstance(block, Table) else [block.text]
        length += sum(len(line) + 2 for line in read)
        if length > caps.characters:
            raise _too_many_characters(caps)
        lines.extend(read)
    return "\n\n".join(lines)


def _rows(table: Any) -> Iterator[str]:
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            # A merged cell is given once for each column it spans: read it once.
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell.text)
        yield " | ".join(cells)


def _check_package(data: bytes, caps: Caps) -> None:
    """Refuse a .docx whose parts are too many, expand too far, hold an archive or a DTD, or
    have too many paragraphs: read with a bounded reader, so a part that lies about its size
    is caught, and nothing is kept."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise Refused(NOT_WORD) from error
    with package:
        parts = package.infolist()
        if len(parts) > caps.parts:
            raise Refused(f"it has more than {caps.parts:,} parts inside it.")
        expands = Refused(f"it expands to more than {caps.expanded_bytes // MB} MB.")
        if sum(part.file_size for part in parts) > caps.expanded_bytes:
            raise expands
        total = 0
        paragraphs = 0
        for part in parts:
            if part.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise Refused(NOT_WORD)
            if part.flag_bits & 0x1:  # encrypted
                raise Refused(NOT_WORD)
            size = 0
            previous = b""
            is_image = part.filename.startswith("word/media/")
            try:
                with package.open(part) as member:
                    while chunk := member.read(_CHUNK):
                        if size == 0 and chunk.startswith(_ARCHIVE_MAGIC):
                            raise Refused(
                                "it contains another compressed file, such as an embedded "
                                "spreadsheet. Remove it, or save the review as a PDF, and upload "
                                "it again."
                            )
                        size += len(chunk)
                        total += len(chunk)
                        if size > part.file_size:
                            raise Refused(NOT_WORD)
                        if total > caps.expanded_bytes:
                            raise expands
                        if is_image:
                            continue
                        if _DECLARATION.search(previous + chunk):
                            raise Refused(NOT_WORD)
                        paragraphs += len(_PARAGRAPH_TAG.findall(chunk))
                        if paragraphs > caps.paragraphs:
                            raise Refused(f"it has more than {caps.paragraphs:,} paragraphs.")
                        previous = chunk[-_OVERLAP:]
            except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as e:
                raise Refused(NOT_WORD) from e
            if size != part.file_size:
                raise Refused(NOT_WORD)


# PDFs


def _pdf_text(data: bytes, caps: Caps) -> str:
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError

    # pypdf's own bounded decompressor: no stream unpacks beyond the whole document's cap.
    with apply_configuration(
        zlib_maximum_output_length=caps.content_bytes,
        lzw_maximum_output_length=caps.content_bytes,
        run_length_maximum_output_length=caps.content_bytes,
        brotli_maximum_output_length=caps.content_bytes,
        array_based_stream_maximum_output_length=caps.content_bytes,
        jbig2dec_binary=None,  # never start another program
    ):
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")  # a password to change it, none to read it
                except Exception as error:
                    raise Refused(PROTECTED) from error
                if not opened:
                    raise Refused(PROTECTED)
            count = len(reader.pages)
        except LimitReachedError as error:
            raise Refused("it is too complex to read.") from error
        if count > caps.pages:
            raise Refused(f"it has more than {caps.pages:,} pages.")

        # Reading a page's text costs time in proportion to its drawing instructions, unpacked:
        # measure them all before reading any (a few kilobytes can unpack to megabytes, pages
        # can share one stream, and a page can draw one form many times).
        costs: dict[int, int] = {}
        total = 0
        for number, page in enumerate(reader.pages, start=1):
            too_complex = Refused(f"page {number} is too complex to read.")
            try:
                cost = _page_cost(page, caps, costs)
            except LimitReachedError as error:
                raise too_complex from error
            if cost > caps.page_content_bytes:
                raise too_complex
            total += cost
            if total > caps.content_bytes:
                raise Refused("it is too complex to read.")

        texts: list[str] = []
        length = 0
        for number, page in enumerate(reader.pages, start=1):
            try:
                text = page.extract_text() or ""
            except LimitReachedError as error:
                raise Refused(f"page {number} is too complex to read.") from error
            length += len(text) + 2
            if length > caps.characters:
                raise _too_many_characters(caps)
            texts.append(text)
    return "\n\n".join(texts)


# A form (a drawing kept apart and drawn by name, as often as the page likes) drawn: `/Name Do`.
_DRAWN = re.compile(rb"/([^\s/\[\]()<>{}%]{1,127})\s+Do\b")
_MAX_NESTING = 8


def _page_cost(page: Any, caps: Caps, costs: dict[int, int]) -> int:
    """The bytes of drawing instructions pypdf parses to read a page's text: its content, and
    each form as often as it is drawn (pypdf parses a form again each time). Counting stops
    once past the cap for a page."""
    from pypdf.generic import ArrayObject

    contents = page.get("/Contents")
    target = contents.get_object() if contents is not None else None
    if isinstance(target, ArrayObject):
        if len(target) > 10_000:
            raise Refused(NOT_PDF)
        streams = [item.get_object() for item in target]
    else:
        streams = [target]
    return _drawing_cost(streams, page.get("/Resources"), caps, costs, depth=0)


def _drawing_cost(
    streams: list[Any], resources: Any, caps: Caps, costs: dict[int, int], depth: int
) -> int:
    from pypdf.generic import DictionaryObject, StreamObject

    too_much = caps.page_content_bytes + 1
    if depth > _MAX_NESTING:
        return too_much
    cost = 0
    drawn: Counter[bytes] = Counter()
    for stream in streams:
        if isinstance(stream, StreamObject):
            data = stream.get_data()  # pypdf's bounded decompressor, and kept: unpacked once
            cost += len(data)
            if cost > caps.page_content_bytes:
                return cost
            drawn.update(_DRAWN.findall(data))
    resources = resources.get_object() if resources is not None else None
    forms = resources.get("/XObject") if isinstance(resources, DictionaryObject) else None
    forms = forms.get_object() if forms is not None else None
    if not drawn or not isinstance(forms, DictionaryObject):
        return cost
    for name, times in drawn.items():
        form = forms.get("/" + name.decode("latin-1"))
        form = form.get_object() if form is not None else None
        if not isinstance(form, StreamObject) or form.get("/Subtype") != "/Form":
            continue  # an image, or nothing: no text in it
        if id(form) not in costs:
            costs[id(form)] = too_much  # until measured: a form that draws itself costs too much
            costs[id(form)] = _drawing_cost([form], form.get("/Resources"), caps, costs, depth + 1)
        cost += times * costs[id(form)]
        if cost > caps.page_content_bytes:
            return cost
    return cost


# The reading process


def _limit(limits: Limits) -> None:
    """Hold this process to its limits before it reads a byte of the document."""
    cpu = max(1, limits.cpu_seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU, then SIGKILL
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # No files written (-B keeps Python from writing bytecode) and no programs started.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    # Yield the processor to the web server's own processes while reading.
    os.nice(19)


def main() -> None:
    """Read a document from standard input and write {"text": ...} or {"refused": reason} as
    JSON to standard output. The first argument is the kind, the second the caps and limits."""
    kind, given = sys.argv[1], json.loads(sys.argv[2])
    caps, limits = Caps(**given["caps"]), Limits(**given["limits"])
    _limit(limits)
    # Parsers warn about each oddity of a malformed file: a hostile one could fill the pipe.
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    data = sys.stdin.buffer.read()
    try:
        result: dict[str, str] = {"text": text_of(kind, data, caps)}
    except Refused as refusal:
        result = {"refused": refusal.reason}
    except MemoryError:
        result = {"memory": ""}
    sys.stdout.buffer.write(json.dumps(result, ensure_ascii=False).encode())
    sys.stdout.buffer.flush()


def settings(caps: Caps, limits: Limits) -> str:
    """The second argument of the reading process."""
    return json.dumps({"caps": asdict(caps), "limits": asdict(limits)})


if __name__ == "__main__":
    main()
