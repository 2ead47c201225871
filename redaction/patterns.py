"""UK identifiers, contact details, addresses and ages found by patterns.

Each finder returns proposals with the reason a reviewer reads ("NHS number (check digit
valid)"). The patterns fail safe: what is only shaped like an identifier (its check character
does not match: a typo still identifies the person), whatever follows a label such as "PNC" or
"NHS no", a street or house name without the usual form, are proposed too, marked not
`certain` and with a reason that says why ("Shaped like a PNC ID, check letter does not
match"), for the preparer to reject if wrong. So are the lines written before a street or a
postcode (a house known by one word, "Fernleigh", has no shape but its place in an address) and
table cells of place names ("| Glenview, Dundee |").

Dates are not redacted in general: a review's chronology is the learning. Only a date next to
"born", "DOB", "D.O.B." or "date of birth" is proposed, as a date of birth.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from redaction.model import Proposal, Source

# Case references of this portal and of probation's SFO reviews: "SFO/2026/0142",
# "SFO-2026-0142", "SFO-DEMO-0142". Callers can pass their own.
DEFAULT_CASE_REFERENCE_PATTERNS: tuple[str, ...] = (r"\bSFO(?:[ ]?[/-][ ]?[A-Z0-9]{2,10}){1,3}\b",)

# The groups may be split by a space, a hyphen or the line break of a wrapped paragraph.
_NHS = re.compile(
    r"(?<![\d/.-])(\d{3})(?:[ -]|[ \t]*\r?\n[ \t]*)?(\d{3})(?:[ -]|[ \t]*\r?\n[ \t]*)?"
    r"(\d{4})(?![\d/]|[.-]\d)"
)

# HMRC: the first letter is not D, F, I, Q, U or V; the second is not D, F, I, O, Q, U or V;
# BG, GB, KN, NK, NT, TN and ZZ are never used; the suffix is A, B, C or D.
_NINO = re.compile(
    r"\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])(?:[ ]|\s*\n\s*)?(\d{2})(?:[ ]|\s*\n\s*)?"
    r"(\d{2})(?:[ ]|\s*\n\s*)?(\d{2})(?:[ ]|\s*\n\s*)?([A-D])?\b",
    re.IGNORECASE,
)
_NINO_NEVER = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})

# PNC ID: year (2 or 4 digits) / serial (up to 7 digits) and a check letter.
_PNC = re.compile(r"\b(\d{2}|\d{4})/(\d{1,7})([A-Z])\b", re.IGNORECASE)
# CRO number: serial (up to 6 digits) / 2-digit year and a check letter, or SFyy/serial+letter.
_CRO = re.compile(r"\b(\d{1,6})/(\d{2})([A-Z])\b", re.IGNORECASE)
_CRO_SF = re.compile(r"\bSF(\d{2})/(\d{1,6})([A-Z])\b", re.IGNORECASE)
# Letters the Police National Computer uses for check characters: no I, O or S; Z is 0.
_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"

# Probation case reference number (CRN, e.g. X123456) and prison number (e.g. A1234BC).
_CRN = re.compile(r"\b[A-Z]\d{6}\b")
_PRISON_NUMBER = re.compile(r"\b[A-Z]\d{4}[A-Z]{2}\b")

# The postcode pattern of the UK Government Data Standards Catalogue, letters by position.
_POSTCODE_TEXT = (
    r"(?:GIR ?0AA|(?:[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRV-Y]))"
    r"(?:[ ]|[ \t]*\r?\n[ \t]*)?\d[ABD-HJLNP-UW-Z]{2})"
)
_POSTCODE = re.compile(rf"\b{_POSTCODE_TEXT}\b", re.IGNORECASE)

_STREET_TYPES = (
    "Road|Rd|Street|St|Avenue|Ave|Close|Cl|Lane|Ln|Drive|Dr|Way|Court|Ct|Crescent|Cres|Place|"
    "Pl|Gardens|Gdns|Grove|Gr|Terrace|Terr|Square|Sq|Hill|Row|Walk|Mews|Park|Rise|View|Green|"
    "Parade|Broadway|Boulevard|Gate|Wharf|Yard|Chase|Vale|Meadow|Meadows|Fields|Croft|Fold|"
    "Brow|Bank|Heights|Grange|Copse|Wynd|Circus|Embankment|Approach|Hollow|End|Villas|Cottages|"
    # Scottish and Northern Irish forms.
    "Vennel|Brae|Loan|Gait|Quay|Causeway|Pend|Entry"
)
# Welsh, Irish and Scottish Gaelic streets name their type first: "Heol y Parc", "Stryd Fawr".
_LEADING_STREET_TYPES = (
    "Heol|Ffordd|Stryd|Lôn|Lon|Rhodfa|Cilgant|Teras|Maes|Clos|Bóthar|Bothar|Sráid|Sraid|Ascaill|"
    "Sràid|Rathad"
)
# Scottish streets named "-gate" (a way), with or without a number: "62 Gallowgate".
_GATE_STREET = re.compile(r"\b(?:\d{1,4}[A-Z]?,?\s+)?[A-Z][a-z]{2,}(?:gate|side)\b")
# Courts are not streets: "Leeds Crown Court".
_COURT = re.compile(
    r"(?i)\b(?:crown|magistrates['’]?|county|youth|family|coroners?['’]?|high|combined|civil)"
    r"\s+courts?\b\.?$"
)
# Words that end a house's name: "Rose Cottage", "Ty Gwyn" starts one.
_HOUSE_WORDS = "Cottage|House|Farm|Farmhouse|Lodge|Barn|Manor|Mill|Villa|Bungalow|Croft|Hafod"
_HOUSE_NAME_STARTS = "Tŷ|Ty|Bryn|Plas|Hafan|Hafod|Pen|Llys|Glan|Tan|Tigh|Bwthyn|Bron|Cartref"
_NAME_WORD = r"[A-ZÀ-ÝŴŶ][A-Za-zà-ÿŵŷ'’-]+"
_STREET_NAME = (
    r"(?:[A-Z][A-Za-z'’]+|St\.?)(?:[ -](?:[A-Z][A-Za-z'’]+|upon|on|the|le|de|y|yr|St\.?)){0,3}"
)
_LINE_GAP = r"(?:,[ \t]*(?:\r?\n[ \t]*)?|[ \t]*\r?\n[ \t]*)"
_TOWN_LINE = rf"{_LINE_GAP}[A-Z][A-Za-z'’-]+\b(?:[ ](?:[A-Z][A-Za-z'’-]+|upon|on)\b)*"
_ADDRESS = re.compile(
    r"\b(?:(?:Flat|Apartment|Apt|Unit|Room)\s+\d+(?:/\d+)?[A-Z]?,?\s+)?"
    rf"\d{{1,4}}[A-Z]?(?:-\d{{1,4}})?,?\s+{_STREET_NAME}\s+(?:{_STREET_TYPES})\b\.?"
    rf"(?:{_TOWN_LINE}){{0,2}}"
    rf"(?:(?:{_LINE_GAP}|[ \t]+){_POSTCODE_TEXT}\b)?"
)
# A street without a house number, named after a preposition: "lived on Acacia Avenue".
_STREET = re.compile(
    r"\b(?:on|in|at|off|near|along|from|into|to)[ ]+"
    rf"(?P<street>{_STREET_NAME}\s+(?:{_STREET_TYPES}))\b"
)
# Any capitalised words ending in a street type, wherever they stand: "Acacia Avenue, Leeds".
_ANY_STREET = re.compile(rf"\b{_STREET_NAME}\s+(?:{_STREET_TYPES})\b")
_LEADING_STREET = re.compile(
    r"\b(?:\d{1,4}[A-Z]?,?\s+)?"
    rf"(?:{_LEADING_STREET_TYPES})(?:['’]r\s+|\s+(?:(?:y|yr|an|na)\s+)?){_NAME_WORD}"
    rf"(?:\s+{_NAME_WORD}){{0,2}}"
    rf"(?:{_TOWN_LINE}){{0,2}}"
    rf"(?:(?:{_LINE_GAP}|[ \t]+){_POSTCODE_TEXT}\b)?"
)
# "Flat 3, Harbour View": a flat in a building known by its name.
_FLAT = re.compile(
    r"\b(?:Flat|Apartment|Apt|Unit|Room)\s+\d+(?:/\d+)?[A-Z]?,?\s+"
    rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}"
    rf"(?:{_TOWN_LINE}){{0,2}}"
)
# One word where a place is named and a town or number follows: "sleeping at Braeside, Paisley".
_NAMED_PLACE = re.compile(
    r"\b(?i:at|to|from|attended|visited|address:?)\s+(?P<place>[A-Z][a-z]{3,})(?=,\s*[A-Z0-9])"
)
_HOUSE_NAME = re.compile(
    rf"\b(?:(?:{_NAME_WORD}\s+){{1,2}}(?:{_HOUSE_WORDS})"
    rf"|The\s+Old\s+{_NAME_WORD}"
    rf"|(?:{_HOUSE_NAME_STARTS})(?:\s+(?:y|yr|na|an|nam))?\s+{_NAME_WORD})\b"
)

_AGE = re.compile(
    r"\b(?:aged|age|ages)\s+(?P<age>\d{1,3})\b"
    r"|\b(?P<years>\d{1,3})[- ](?:year|yr)s?[- ]old\b"
    # After a name (or a year of birth), as case notes write it: "Priya McGregor (31)".
    r"|(?<=[^\W_.]|\.)\s\((?P<bracketed>\d{1,3})\)",
    re.IGNORECASE,
)

# What follows an identifier's label is proposed whatever its check digits: "PNC 2008/0454914Y",
# "NHS no: 943 476 5918", "DOB 31/02/1985". The label is any case; the value is words holding a
# digit, or one or two capitals (a National Insurance number's prefix or suffix).
_LABELS = {
    "pnc_id": r"PNC(?:[ ]?(?:ID|no\.?|number))?",
    "cro_number": r"CRO(?:[ ]?(?:no\.?|number))?",
    "nhs_number": r"NHS[ ]?(?:no\.?|number|num)",
    "national_insurance_number": r"(?:N\.?I\.?|National\s+Insurance)\s?(?:no\.?|number)",
    "date_of_birth": r"D\.?O\.?B\.?|date[ ]of[ ]birth",
    "crn": r"CRN",
    "prison_number": r"(?:prison|NOMS)[ ]?(?:no\.?|number)",
}
_LABEL_NAMES = {
    "pnc_id": "a PNC ID",
    "cro_number": "a CRO number",
    "nhs_number": "an NHS number",
    "national_insurance_number": "a National Insurance number",
    "date_of_birth": "a date of birth",
    "crn": "a case reference number (CRN)",
    "prison_number": "a prison number",
}
_VALUE_WORD = r"(?:[A-Za-z]*\d[A-Za-z0-9/.-]*|[A-Z]{1,2}(?![A-Za-z]))"
_LABELLED = re.compile(
    "(?:"
    + "|".join(rf"(?P<{kind}>\b(?i:{label}))" for kind, label in _LABELS.items())
    + ")"
    + r"(?P<gap>\s*(?:[:#=–-]|(?i:is|was|of))?\s*)"
    # The value may run on past the end of a wrapped line: "VR 34 05\n87 A".
    + rf"(?P<value>{_VALUE_WORD}(?:(?:[ ]|[ \t]*\r?\n[ \t]*(?=\d)){_VALUE_WORD}){{0,5}})"
)

_PHONE = re.compile(
    r"(?<![\w+/])(?:(?:\+44|0044)(?:[ ]|[ \t]*\r?\n[ \t]*)?(?:\(0\)[ ]?)?|\(?0)"
    r"\d(?:(?:[ \-)]{0,2}|[ \t]*\r?\n[ \t]*)\d){8,9}(?![\d/])"
)
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# A space, or the line break of a wrapped paragraph.
_SPACE = r"(?:[ ]+|[ \t]*\r?\n[ \t]*)"
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b"
    r"|\d{4}-\d{2}-\d{2}\b"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?{_SPACE}(?:of{_SPACE})?{_MONTH}(?:,|{_SPACE})+\d{{4}}\b"
    rf"|{_MONTH}{_SPACE}\d{{1,2}}(?:st|nd|rd|th)?,?{_SPACE}\d{{4}}\b"
    rf"|(?:{_MONTH}[ ]+)?(?:19|20)\d{{2}}\b)"
)
_TABLE_DATE = re.compile(
    rf"(?m)(?<=[^\n])(?:\t|[ ]*\|[ ]*)(?P<date>(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ ]+{_MONTH}[ ]+\d{{4}}))(?=[ ]*(?:\t|\||$))"
)
_DATE_OF_BIRTH = re.compile(
    r"\b(?:born|d\.?[ ]?o\.?[ ]?b\.?|date\s+of\s+birth|birth[ ]?date)(?![a-z])"
    r"[\s:,.\-–(]*(?:(?:was|is|of|on|in)\s+)?"
    rf"(?P<date>{_DATE})",
    re.IGNORECASE,
)


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number modulus 11 check: weights 10 down to 2, check digit 11 - remainder."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def nino_is_valid(text: str) -> bool:
    match = _NINO.fullmatch(text.strip())
    return match is not None and match.group(1).upper() not in _NINO_NEVER


def pnc_check_letter(year: str, serial: str) -> str:
    """The check letter of a PNC ID: (2-digit year and 7-digit serial) modulo 23."""
    return _CHECK_LETTERS[int(year[-2:] + serial.zfill(7)) % 23]


def cro_check_letter(serial: str, year: str, *, short_form: bool = False) -> str:
    """The check letter of a CRO number: (year and 6-digit serial) modulo 23.

    Short-form ("SF") numbers use the serial as written, without padding.
    """
    return _CHECK_LETTERS[int(year + (serial if short_form else serial.zfill(6))) % 23]


def _proposal(
    match: re.Match[str], kind: str, reason: str, group: int | str = 0, *, certain: bool = True
) -> Proposal:
    start, end = match.span(group)
    return Proposal(
        start=start,
        end=end,
        text=match.group(group),
        reason=reason,
        source=Source.PATTERN,
        kind=kind,
        certain=certain,
    )


def _checked(
    match: re.Match[str], kind: str, name: str, valid: bool, check: str = "check letter"
) -> Proposal:
    """An identifier with a check character, proposed whether or not the check holds."""
    if valid:
        return _proposal(match, kind, f"{name} ({check} valid)")
    article = "an" if name[0] in "AEFHILMNORSX" else "a"
    return _proposal(
        match, kind, f"Shaped like {article} {name}, {check} does not match", certain=False
    )


def find_nhs_numbers(text: str) -> Iterator[Proposal]:
    for match in _NHS.finditer(text):
        valid = nhs_number_is_valid("".join(match.groups()))
        yield _checked(match, "nhs_number", "NHS number", valid, "check digit")


def find_national_insurance_numbers(text: str) -> Iterator[Proposal]:
    for match in _NINO.finditer(text):
        # Without its suffix letter, insist on capitals: "an 12 34 56" is not a NINO.
        if match.group(5) is None and not match.group(1).isupper():
            continue
        if match.group(1).upper() in _NINO_NEVER:
            yield _proposal(
                match,
                "national_insurance_number",
                "Shaped like a National Insurance number, with a prefix never issued",
                certain=False,
            )
        else:
            yield _proposal(match, "national_insurance_number", "National Insurance number")


def find_police_identifiers(text: str) -> Iterator[Proposal]:
    for match in _PNC.finditer(text):
        year, serial, letter = match.groups()
        valid = pnc_check_letter(year, serial) == letter.upper()
        yield _checked(match, "pnc_id", "PNC ID", valid)
    for match in _CRO.finditer(text):
        serial, year, letter = match.groups()
        valid = cro_check_letter(serial, year) == letter.upper()
        yield _checked(match, "cro_number", "CRO number", valid)
    for match in _CRO_SF.finditer(text):
        year, serial, letter = match.groups()
        valid = cro_check_letter(serial, year, short_form=True) == letter.upper()
        yield _checked(match, "cro_number", "CRO number", valid)


def find_labelled_identifiers(text: str) -> Iterator[Proposal]:
    """What follows a label such as "PNC" or "NHS no", whatever its check characters say."""
    for match in _LABELLED.finditer(text):
        kind = next(k for k in _LABELS if match.group(k))
        value = match.group("value").rstrip(".-/")
        if not any(c.isdigit() for c in value):
            continue
        start = match.start("value")
        yield Proposal(
            start=start,
            end=start + len(value),
            text=value,
            reason=f"Follows the label “{match.group(kind)}”: may be {_LABEL_NAMES[kind]}",
            source=Source.PATTERN,
            kind=kind,
            certain=False,
        )


def find_offender_numbers(text: str) -> Iterator[Proposal]:
    for match in _CRN.finditer(text):
        yield _proposal(match, "crn", "Probation case reference number (CRN)")
    for match in _PRISON_NUMBER.finditer(text):
        yield _proposal(match, "prison_number", "Prison number")


def case_reference_finder(
    patterns: Sequence[str] = DEFAULT_CASE_REFERENCE_PATTERNS,
) -> Callable[[str], Iterator[Proposal]]:
    compiled = [re.compile(p) for p in patterns]

    def find_case_references(text: str) -> Iterator[Proposal]:
        for pattern in compiled:
            for match in pattern.finditer(text):
                yield _proposal(match, "case_reference", "Case reference number")

    return find_case_references


def find_postcodes(text: str) -> Iterator[Proposal]:
    for match in _POSTCODE.finditer(text):
        yield _proposal(match, "postcode", "Postcode")


def find_addresses(text: str) -> Iterator[Proposal]:
    for match in _ADDRESS.finditer(text):
        yield _proposal(match, "address", "Address")
    for match in _LEADING_STREET.finditer(text):
        yield _proposal(match, "address", "Address (a street named by its type first)")
    for match in _FLAT.finditer(text):
        yield _proposal(match, "address", "Address (a flat in a named building)")
    for match in _STREET.finditer(text):
        if not _COURT.search(match.group("street")):
            yield _proposal(match, "street", "Street name", "street")
    for match in _ANY_STREET.finditer(text):
        if not _COURT.search(match.group()):
            yield _proposal(match, "street", "Might be a street name", certain=False)
    for match in _GATE_STREET.finditer(text):
        yield _proposal(match, "street", "Might be a street name", certain=False)
    for match in _HOUSE_NAME.finditer(text):
        yield _proposal(match, "house_name", "Might be a house's name", certain=False)
    for match in _NAMED_PLACE.finditer(text):
        yield _proposal(match, "house_name", "Might be a house's name", "place", certain=False)


# One line or comma-separated part of an address: "Fernleigh", "Glan yr Afon", "Wigan".
_ADDRESS_PART = re.compile(
    rf"(?P<part>{_NAME_WORD}(?:[ ](?:{_NAME_WORD}|y|yr|na|an|nam|upon|on)){{0,2}})"
    r"(?:,[ \t]*(?:\r?\n[ \t]*)?|[ \t]*\r?\n[ \t]*)\Z"
)
_TOWN_BEFORE_POSTCODE = re.compile(rf"(?P<part>{_NAME_WORD}(?:[ ]{_NAME_WORD}){{0,2}}),?[ ]+\Z")
# What ends the field before an address's first line: a line or a table cell starting, a
# label's colon, a comma, or a word such as "at" or "to".
_FIELD_START = re.compile(r"(?:[\n|\t:,]|\b(?i:at|to|from|in|on|near|address))[ \t]*\Z")
_PLACE_CELL = re.compile(
    rf"(?m)(?<=[^\n])(?:\t|[ ]*\|[ ]*)(?P<cell>{_NAME_WORD}(?:[ ]{_NAME_WORD}){{0,2}}"
    rf"(?:,[ ]*{_NAME_WORD}(?:[ ]{_NAME_WORD}){{0,2}}){{1,2}})(?=[ ]*(?:\t|\||$))"
)
_LEAD_PARTS = 3
# A table's or a form's heading above an address, not a line of it.
_ADDRESS_HEADINGS = frozenset(
    {
        "address",
        "addresses",
        "home address",
        "previous address",
        "current address",
        "location",
        "postcode",
        "post code",
    }
)


def _lines_before(text: str, start: int, *, postcode: bool) -> int | None:
    """Where the address ending at `start` begins, if one to three lines or parts of it (a house
    name, a street, a town) stand before it, each starting a field; else None."""
    begin = None
    if postcode:
        town = _TOWN_BEFORE_POSTCODE.search(text, max(0, start - 60), start)
        if town is not None:
            if not _starts_a_field(text, town):
                return None
            begin = start = town.start("part")
    for _ in range(_LEAD_PARTS):
        part = _ADDRESS_PART.search(text, max(0, start - 80), start)
        if part is None or part.end() != start or not _starts_a_field(text, part):
            break
        begin = start = part.start("part")
    return begin


def _starts_a_field(text: str, part: re.Match[str]) -> bool:
    at = part.start("part")
    if part.group("part").casefold() in _ADDRESS_HEADINGS:
        return False
    return at == 0 or _FIELD_START.search(text, max(0, at - 12), at) is not None


def find_address_lines(text: str, found: Sequence[Proposal]) -> Iterator[Proposal]:
    """The lines written before a street or a postcode ("Fernleigh\nWigan WN1 5PZ",
    "Hafod, Teras Glanrhyd"), and table cells of place names ("| Glenview, Dundee |"): a house
    known by a one-word name has no shape of its own, only its place in an address."""
    for proposal in found:
        if proposal.kind not in ("address", "street", "postcode"):
            continue
        begin = _lines_before(text, proposal.start, postcode=proposal.kind == "postcode")
        if begin is None:
            continue
        end = proposal.start
        while end > begin and not text[end - 1].isalnum():
            end -= 1
        yield Proposal(
            start=begin,
            end=end,
            text=text[begin:end],
            reason="Might be a house's name or another line of an address (written before a "
            + ("postcode)" if proposal.kind == "postcode" else "street)"),
            source=Source.PATTERN,
            kind="address",
            certain=False,
        )
    for match in _PLACE_CELL.finditer(text):
        yield _proposal(
            match,
            "address",
            "Might be an address (a table cell of place names)",
            "cell",
            certain=False,
        )


def find_ages(text: str) -> Iterator[Proposal]:
    """A person's age ("aged 34", "a 34-year-old"): the number, so the sentence still reads."""
    for match in _AGE.finditer(text):
        group = next(name for name in ("age", "years", "bracketed") if match.group(name))
        yield _proposal(match, "age", "Age", group)


def find_phone_numbers(text: str) -> Iterator[Proposal]:
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        international = digits.removeprefix("00")
        national = (international[2:] if international.startswith("44") else digits).lstrip("0")
        if len(national) in (9, 10) and national[0] in "123578":
            yield _proposal(match, "phone", "Phone number")


def find_email_addresses(text: str) -> Iterator[Proposal]:
    for match in _EMAIL.finditer(text):
        yield _proposal(match, "email", "Email address")


def find_dates_of_birth(text: str) -> Iterator[Proposal]:
    for match in _DATE_OF_BIRTH.finditer(text):
        yield _proposal(match, "date_of_birth", "Date of birth", "date")
    # In a table of people ("Name | Role | 09/04/1975"), a date after the first column is
    # most likely when they were born; a chronology's dates start their lines and stay.
    for match in _TABLE_DATE.finditer(text):
        yield _proposal(
            match,
            "date_of_birth",
            "Might be a date of birth (a date in a table)",
            "date",
            certain=False,
        )


Finder = Callable[[str], Iterator[Proposal]]


def pattern_finders(
    case_reference_patterns: Sequence[str] = DEFAULT_CASE_REFERENCE_PATTERNS,
) -> list[Finder]:
    """Every pattern finder, the case reference one built from the given patterns."""
    return [
        find_nhs_numbers,
        find_national_insurance_numbers,
        find_police_identifiers,
        find_labelled_identifiers,
        find_offender_numbers,
        case_reference_finder(case_reference_patterns),
        find_addresses,
        find_postcodes,
        find_phone_numbers,
        find_email_addresses,
        find_dates_of_birth,
        find_ages,
    ]


def find_patterns(
    text: str, case_reference_patterns: Sequence[str] = DEFAULT_CASE_REFERENCE_PATTERNS
) -> list[Proposal]:
    """Every identifier and contact detail in `text`, in order of where they start.

    One found inside another (the postcode of an address) is left out.
    """
    found = [p for finder in pattern_finders(case_reference_patterns) for p in finder(text)]
    found.extend(find_address_lines(text, found))
    found.sort(key=lambda p: (p.start, -p.end, not p.certain, p.kind))
    kept: list[Proposal] = []
    for proposal in found:
        if kept and kept[-1].start <= proposal.start and proposal.end <= kept[-1].end:
            continue
        kept.append(proposal)
    return kept
