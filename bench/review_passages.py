"""Review-like passages with known parties and every identifying string listed, for measuring
how much of what must go the redaction library proposes.

Each passage is drawn from `random.Random(seed)` alone, so a seed always gives the same passage.
Five authoring styles: formal narrative (sometimes hard-wrapped as if pasted from a PDF), a
terse chronology ("12/03/2024 – PO visited Z.S. …"), a table of contacts as text lines
("Name | Role | Phone"), bullet lists of key details and findings, and case notes written in
initials. The people have titles, middle names, nicknames and former names (given to the
library as the parties' aliases), Welsh, Scottish, Irish and multi-word surnames; their names
are written in full, in part, in capitals, surname first, as initials, with one letter wrong,
and broken by a line break, a paragraph break or an end-of-line hyphen. The passages hold ages,
dates of birth, NHS, National Insurance, PNC and CRO numbers (valid and mistyped), CRNs, prison
numbers, phone numbers, email addresses and English, Welsh, Scottish and Northern Irish
addresses, with and without a house number, house names and flats.

Each passage lists three kinds of span, by offsets into its text:

* `must_go`: every string that identifies someone and must be redacted, with its category
  ("name: one letter wrong", "address (Welsh, house name)", "PNC ID (check letter wrong)");
* `may_go`: text beside a must-go string whose redaction costs nothing (a title, a possessive
  "'s", the town of an address, an identifier's label, the words around an age);
* `must_stay`: ordinary words planted because a detector might take them for identifying
  ("hope" when a party is called Hope, chronology dates, agencies, courts, "PO").

Two seed sets, kept apart:

* `TUNING_SEEDS` (0-199): engineers may read these passages, and the misses the bench prints
  from them, while improving the library;
* `HELD_OUT_SEEDS` (10,000-10,499): nobody looks at these passages or tunes on them; the bench
  prints only their figures. A library tuned to the tuning set that does as well here has
  learned the shapes, not the examples. Do not change the generator to fit the library.

Every name, number and address is invented.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum

from redaction import Party, Role

TUNING_SEEDS = range(0, 200)
HELD_OUT_SEEDS = range(10_000, 10_500)

STYLES = ("narrative", "wrapped narrative", "chronology", "contacts table", "bullets", "case notes")


@dataclass(frozen=True)
class Span:
    """`text` is `passage.text[start:end]`, kept so a reader of a miss sees what it was."""

    start: int
    end: int
    category: str
    text: str


@dataclass(frozen=True)
class Passage:
    seed: int
    style: str
    text: str
    parties: tuple[Party, ...]
    must_go: tuple[Span, ...]
    may_go: tuple[Span, ...]
    must_stay: tuple[Span, ...]


def generate_passage(seed: int) -> Passage:
    """The passage of `seed`: always the same text, parties and spans for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - invented text, not secrets
    case = _Case(rng)
    style = rng.choice(STYLES)
    builder = _Builder()
    _WRITERS[style](case, builder)
    text, must, may, keep = builder.finish(
        wrap=rng.randint(62, 90) if style.startswith("wrapped") else None
    )
    return Passage(
        seed=seed,
        style=style,
        text=text,
        parties=tuple(p.party() for p in case.people.values()),
        must_go=must,
        may_go=may,
        must_stay=keep,
    )


def passages(seeds: Iterable[int]) -> Iterator[Passage]:
    for seed in seeds:
        yield generate_passage(seed)


# --- The pieces a passage is built from ----------------------------------------------------


class _Kind(Enum):
    PLAIN = "plain"
    MUST = "must"
    MAY = "may"
    KEEP = "keep"


@dataclass(frozen=True)
class _Piece:
    text: str
    kind: _Kind = _Kind.PLAIN
    category: str = ""


def _must(text: str, category: str) -> _Piece:
    return _Piece(text, _Kind.MUST, category)


def _may(text: str) -> _Piece:
    return _Piece(text, _Kind.MAY, "context")


def _keep(text: str, category: str) -> _Piece:
    return _Piece(text, _Kind.KEEP, category)


def _plain(text: str) -> _Piece:
    return _Piece(text)


Pieces = list[_Piece]


@dataclass
class _Builder:
    parts: list[str] = field(default_factory=list)
    length: int = 0
    spans: dict[_Kind, list[tuple[int, int, str]]] = field(
        default_factory=lambda: {_Kind.MUST: [], _Kind.MAY: [], _Kind.KEEP: []}
    )

    def add(self, pieces: Iterable[_Piece]) -> None:
        for piece in pieces:
            if not piece.text:
                continue
            if piece.kind is not _Kind.PLAIN:
                self.spans[piece.kind].append(
                    (self.length, self.length + len(piece.text), piece.category)
                )
            self.parts.append(piece.text)
            self.length += len(piece.text)

    def plain(self, text: str) -> None:
        self.add([_plain(text)])

    def finish(
        self, wrap: int | None
    ) -> tuple[str, tuple[Span, ...], tuple[Span, ...], tuple[Span, ...]]:
        text = "".join(self.parts).rstrip("\n") + "\n"
        if wrap is not None:
            text = _hard_wrap(text, wrap)

        def spans(kind: _Kind) -> tuple[Span, ...]:
            return tuple(Span(s, e, c, text[s:e]) for s, e, c in self.spans[kind])

        return text, spans(_Kind.MUST), spans(_Kind.MAY), spans(_Kind.KEEP)


def _hard_wrap(text: str, width: int) -> str:
    """Lines of at most about `width` characters, each break replacing one space, so that every
    offset stays where it was: text pasted from a PDF breaks lines wherever they end."""
    chars = list(text)
    line_start, last_space = 0, -1
    for i, char in enumerate(chars):
        if char == "\n":
            line_start, last_space = i + 1, -1
        elif char == " ":
            last_space = i
        if i - line_start >= width and last_space > line_start:
            chars[last_space] = "\n"
            line_start, last_space = last_space + 1, -1
    return "".join(chars)


def _fill(template: str, slot: Callable[[str, str], Pieces]) -> Pieces:
    """A template's literal text and its slots ("{pop}", "{pop:initials}", "{word:hope}")."""
    pieces: Pieces = []
    for literal, name, arg, _ in string.Formatter().parse(template):
        if literal.startswith(".") and pieces and pieces[-1].text.endswith("."):
            literal = literal[1:]  # "with A.B." ends the sentence: one full stop, not two
        if literal:
            pieces.append(_plain(literal))
        if name is not None:
            pieces.extend(slot(name, arg or ""))
    return pieces


# --- People ----------------------------------------------------------------------------------

# (first name, usual short form or None). Some first names are ordinary words too.
_MEN = [
    ("Daniel", "Danny"), ("Rhys", None), ("Dafydd", "Dai"), ("Gareth", "Gaz"), ("Owain", None),
    ("Iwan", None), ("Gethin", "Geth"), ("Aled", None), ("Callum", "Cal"), ("Iain", None),
    ("Ruaridh", "Ruari"), ("Hamish", None), ("Fraser", None), ("Ciarán", None), ("Seamus", "Shay"),
    ("Declan", "Dec"), ("Eoin", None), ("Tomasz", "Tomek"), ("Imran", "Immy"), ("Kwame", None),
    ("Marcus", "Marky"), ("Jack", "Jacko"), ("Will", None), ("Mark", None), ("Connor", "Con"),
    ("Bartosz", "Bartek"), ("Arjun", None), ("Jamie", None), ("Tyler", "Ty"), ("Llŷr", None),
]  # fmt: skip
_WOMEN = [
    ("Siân", None), ("Ffion", None), ("Cerys", None), ("Angharad", "Hari"), ("Nia", None),
    ("Eleri", None), ("Mhairi", None), ("Kirsty", "Kirst"), ("Eilidh", None), ("Morag", None),
    ("Niamh", None), ("Siobhan", "Shiv"), ("Aoife", None), ("Orla", None), ("Aisha", None),
    ("Yasmin", "Yas"), ("Zara", None), ("Bethany", "Beth"), ("Chloe", None), ("Leanne", None),
    ("Hope", None), ("Grace", None), ("Dawn", None), ("Rose", None), ("Zoë", None),
    ("Agnieszka", "Aga"), ("Chidinma", "Chi"), ("Priya", None), ("Megan", "Meg"),
    ("Gwenllian", "Gwen"),
]  # fmt: skip
_MIDDLE = ["James", "Lee", "Elizabeth", "Marie", "John", "Wyn", "Anne", "Thomas"]
# Surnames; a multi-word one is given to the library as the party's `surname`.
_SURNAMES = [
    "Whitcombe", "Hargreaves", "Pemberton", "Thistlewood", "Fairbairn", "Brannigan", "Hill",
    "Price", "Llewellyn", "Prydderch", "Jones-Parry", "ap Rhys", "ap Gwilym", "Bowen",
    "Pritchard", "Vaughan", "Rees", "Griffiths", "MacLeod", "McGregor", "Mackenzie", "Urquhart",
    "Buchanan", "Farquharson", "Menzies", "O'Neill", "O’Hare", "McCann", "Ó Briain", "Quinn",
    "Doherty", "Mulholland", "McLaughlin", "Adeyemi", "Okonkwo", "Kowalczyk", "Szymański",
    "Rahman", "Chaudhry", "Nowak", "de la Cruz", "Van der Merwe", "Ní Bhriain",
]  # fmt: skip
_FORMER_SURNAMES = ["Hughes", "Ferguson", "Gallagher", "Lloyd", "Sinclair", "Kaur", "Evans"]
_STREET_NICKNAMES = ["Smudge", "Bomber", "Skinny", "Dizzy", "Spud", "Tiny", "Chucky", "Boo"]

_STAFF_TITLES = ["DC", "PC", "DS", "Sgt", "DI"]


@dataclass
class _Person:
    slot: str
    first: str
    surname: str
    role: Role
    title: str
    agency: str | None = None
    middle: str | None = None
    nickname: str | None = None
    former: str | None = None
    email_domain: str = "gmail.com"

    @property
    def full(self) -> str:
        return f"{self.first} {self.surname}"

    def party(self) -> Party:
        name = " ".join(w for w in (self.first, self.middle, self.surname) if w)
        aliases = tuple(
            a for a in (self.nickname, self.former and f"{self.first} {self.former}") if a
        )
        return Party(
            name=name,
            role=self.role,
            agency=self.agency,
            aliases=aliases,
            surname=self.surname if " " in self.surname else None,
            title=self.title,
            key=self.slot,
        )

    def initials(self, dotted: bool) -> str:
        letters = [self.first[0]]
        if self.middle and dotted:
            letters.append(self.middle[0])
        for word in self.surname.replace("-", " ").split():
            # "Dafydd ap Rhys" is "D.a.R.": the particle keeps its small letter.
            letters.append(word[0])
        return "".join(f"{c}." for c in letters) if dotted else "".join(letters)


# --- Places -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Region:
    name: str
    streets: tuple[str, ...]
    towns: tuple[tuple[str, str], ...]  # (town, postcode district)
    house_names: tuple[str, ...]
    buildings: tuple[str, ...]
    police: tuple[str, ...]
    health: tuple[str, ...]
    councils: tuple[str, ...]
    courts: tuple[str, ...]
    prisons: tuple[str, ...]
    probation: str
    landlines: tuple[str, ...]  # "#" is a random digit


_REGIONS = (
    _Region(
        "English",
        ("Larkspur Close", "Mill Lane", "Station Road", "Church Street", "Kestrel Avenue",
         "Coronation Terrace", "Ashgrove Road", "Blackthorn Way", "Orchard Mews", "Quarry Bank",
         "Tanner Street", "Victoria Crescent"),
        (("Stockport", "SK4"), ("Rochdale", "OL16"), ("Wigan", "WN1"), ("Leeds", "LS9"),
         ("Norwich", "NR3"), ("Plymouth", "PL4"), ("Hull", "HU5"), ("Gateshead", "NE8")),
        ("Rose Cottage", "The Old Rectory", "Willow Lodge", "Fernleigh", "Orchard House"),
        ("Harbour View", "Mill House", "Alexandra Court", "Kingfisher House"),
        ("Greater Manchester Police", "West Yorkshire Police", "Norfolk Constabulary"),
        ("Pennine Care NHS Foundation Trust", "the community mental health team"),
        ("Stockport Council", "Leeds City Council", "Norfolk County Council"),
        ("Manchester Crown Court", "Leeds Magistrates' Court", "Norwich Crown Court"),
        ("HMP Manchester", "HMP Leeds", "HMP Forest Bank"),
        "Probation Service",
        ("0161 ### ####", "0113 ### ####", "01603 ######"),
    ),
    _Region(
        "Welsh",
        ("Heol y Parc", "Heol Maes-y-Coed", "Ffordd y Brenin", "Ffordd Glyndŵr", "Stryd Fawr",
         "Stryd y Castell", "Lôn Las", "Lôn Goed", "Rhodfa'r Môr", "Maes y Dre", "Clos Hafod",
         "Teras Glanrhyd", "Tan y Bryn Road", "Heol Llanishen Fach"),
        (("Pontypridd", "CF37"), ("Cardiff", "CF24"), ("Llanelli", "SA15"), ("Swansea", "SA1"),
         ("Caernarfon", "LL55"), ("Bangor", "LL57"), ("Wrexham", "LL11"),
         ("Aberystwyth", "SY23"), ("Merthyr Tydfil", "CF47"), ("Pwllheli", "LL53"),
         ("Blaenau Ffestiniog", "LL41")),
        ("Bryn Teg", "Tŷ Gwyn", "Glan yr Afon", "Hafod", "Cartref", "Pen y Graig"),
        ("Harbour View", "Tŷ Glas", "Llys Hywel", "Plas Newydd"),
        ("South Wales Police", "Dyfed-Powys Police", "North Wales Police", "Gwent Police"),
        ("Cwm Taf Morgannwg University Health Board", "Betsi Cadwaladr University Health Board",
         "Hywel Dda University Health Board", "Swansea Bay University Health Board"),
        ("Rhondda Cynon Taf County Borough Council", "Cyngor Gwynedd",
         "Carmarthenshire County Council"),
        ("Cardiff Crown Court", "Merthyr Tydfil Crown Court", "Caernarfon Crown Court",
         "Swansea Crown Court"),
        ("HMP Parc", "HMP Berwyn", "HMP Cardiff", "HMP Swansea"),
        "Probation Service Wales",
        ("029 20## ####", "01443 ######", "01554 ######", "01286 ######"),
    ),
    _Region(
        "Scottish",
        ("Kirk Wynd", "The Vennel", "Byres Road", "Canongate", "Causewayside", "Marchmont Road",
         "Shore Street", "Harbour Brae", "Castle Wynd", "Mill Vennel", "Gallowgate",
         "Dumbarton Road", "Broomhill Loan"),
        (("Glasgow", "G12"), ("Edinburgh", "EH9"), ("Dundee", "DD4"), ("Kirkcaldy", "KY1"),
         ("Oban", "PA34"), ("Inverness", "IV2"), ("Paisley", "PA1"), ("Stornoway", "HS1"),
         ("Kilmarnock", "KA1"), ("Falkirk", "FK1")),
        ("Tigh na Mara", "Braeside", "Glenview", "Craigellachie", "Ardbeg Cottage"),
        ("Harbour View", "Seaforth Court", "Argyll House", "Marchmont House"),
        ("Police Scotland",),
        ("NHS Greater Glasgow and Clyde", "NHS Lothian", "NHS Highland"),
        ("Glasgow City Council", "Fife Council", "Argyll and Bute Council"),
        ("Glasgow Sheriff Court", "Kirkcaldy Sheriff Court", "the High Court in Edinburgh"),
        ("HMP Barlinnie", "HMP Edinburgh", "HMP Low Moss"),
        "Justice Social Work",
        ("0141 ### ####", "0131 ### ####", "01631 ######", "01463 ######"),
    ),
    _Region(
        "Northern Irish",
        ("Glenvale Park", "Ormeau Road", "Springfield Road", "Cregagh Road", "Drumbeg Drive",
         "Carnmoney Road", "Ballysillan Avenue", "Tullyally Road", "Derrybeg Park",
         "Lisnasharragh Gardens", "Knocknagoney Avenue"),
        (("Belfast", "BT9"), ("Newry", "BT34"), ("Londonderry", "BT48"), ("Lisburn", "BT28"),
         ("Omagh", "BT79"), ("Enniskillen", "BT74"), ("Coleraine", "BT52"),
         ("Craigavon", "BT65")),
        ("Glenside", "Mourne View", "Carrickmore House", "Lough View"),
        ("Harbour View", "Lagan Court", "Ormeau House", "Belvoir Court"),
        ("the Police Service of Northern Ireland", "PSNI"),
        ("the Belfast Health and Social Care Trust", "the Southern Health and Social Care Trust"),
        ("the Northern Ireland Housing Executive",),
        ("Laganside Courts", "Newry Crown Court", "Londonderry Magistrates' Court"),
        ("HMP Maghaberry", "HMP Magilligan"),
        "Probation Board for Northern Ireland",
        ("028 90## ####", "028 30## ####", "028 71## ####"),
    ),
)  # fmt: skip

_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NINO_NEVER = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
_KEYBOARD = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij",
    "i": "uok", "o": "ipl", "p": "ol", "a": "qsz", "s": "adw", "d": "sfe", "f": "dgr",
    "g": "fht", "h": "gjy", "j": "hku", "k": "jli", "l": "ko", "z": "xa", "x": "zc",
    "c": "xv", "v": "cb", "b": "vn", "n": "bm", "m": "n",
}  # fmt: skip


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def _nhs_valid(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return check != 10 and check == int(digits[9])


def _typo(word: str, rng: random.Random) -> str:
    """`word` with one letter (never the first) swapped for a neighbour on the keyboard."""
    places = [i for i, c in enumerate(word) if i > 0 and c.isalpha()]
    i = rng.choice(places)
    old = word[i]
    choices = [c for c in _KEYBOARD.get(old.lower(), "aeiou") if c != old.lower()]
    new = rng.choice(choices)
    return word[:i] + (new.upper() if old.isupper() else new) + word[i + 1 :]


# --- One case: its people, region and the slots templates are filled from -------------------

_NAME_FORMS = {
    # form: weight, in passages written as prose.
    "full": 18, "first": 12, "titled": 14, "surname": 5, "titled full": 4,
    "initial and surname": 4, "capitals": 4, "surname first": 2, "nickname": 6, "former": 2,
    "typo": 6, "line break": 4, "paragraph break": 2, "hyphen break": 3, "middle": 2,
    "initials": 3,
}  # fmt: skip
_NOTE_FORMS = {"initials": 10, "initials plain": 6, "first": 4, "titled": 2, "typo": 1, "full": 1}
_TABLE_FORMS = {"full": 6, "capitals": 3, "surname first": 3, "titled full": 3, "middle": 2}


class _Case:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.region = rng.choice(_REGIONS)
        self.people = self._people()

    def other_region(self) -> _Region:
        return self.region if self.rng.random() < 0.6 else self.rng.choice(_REGIONS)

    def _people(self) -> dict[str, _Person]:
        rng = self.rng
        men, women = rng.sample(_MEN, 4), rng.sample(_WOMEN, 4)
        surnames = rng.sample(_SURNAMES, 6)
        first_names: list[tuple[str, str | None, str]] = []
        for _ in range(6):
            pool = men if rng.random() < 0.5 and men else women
            if not pool:
                pool = men or women
            first, short = pool.pop()
            first_names.append((first, short, "Mr" if pool is men else rng.choice(["Ms", "Mrs"])))
        region = self.region
        nicknames = rng.sample(_STREET_NICKNAMES, 2)

        def person(
            slot: str, i: int, role: Role, agency: str | None = None, domain: str = "gmail.com"
        ) -> _Person:
            first, _, title = first_names[i]
            return _Person(slot, first, surnames[i], role, title, agency, email_domain=domain)

        pop = person("pop", 0, Role.PERSON_ON_PROBATION)
        pop.middle = rng.choice(_MIDDLE) if rng.random() < 0.4 else None
        pop.nickname = first_names[0][1] or nicknames[0]
        if rng.random() < 0.4:
            pop.former = rng.choice(_FORMER_SURNAMES)
        victim = person("victim", 1, Role.VICTIM)
        if first_names[1][1] and rng.random() < 0.5:
            victim.nickname = first_names[1][1]
        family = person("family", 2, Role.FAMILY_MEMBER)
        if rng.random() < 0.4 and " " not in pop.surname:
            family.surname = pop.surname  # a mother or brother with the same surname
        prac = person("prac", 3, Role.STAFF, region.probation, "justice.gov.uk")
        if rng.random() < 0.3:
            prac.nickname = first_names[3][1]
        officer = person("officer", 4, Role.STAFF, rng.choice(region.police), "police.uk")
        officer.title = rng.choice(_STAFF_TITLES)
        other = person("other", 5, Role.OTHER)
        if rng.random() < 0.5:
            other.title = "Dr"
            other.email_domain = "nhs.net"
        people = {p.slot: p for p in (pop, victim, family, prac, officer, other)}
        # A nickname that is another person's first name would make the passage ambiguous.
        firsts = {p.first for p in people.values()}
        for p in people.values():
            if p.nickname in firsts:
                p.nickname = None
        return people

    # --- names

    def mention(self, person: _Person, forms: dict[str, int], form: str = "") -> Pieces:
        rng = self.rng
        if not form:
            names, weights = zip(*forms.items(), strict=True)
            form = rng.choices(names, weights)[0]
        if form == "nickname" and not person.nickname:
            form = "first"
        if form == "former" and not person.former:
            form = "full"
        if form == "middle" and not person.middle:
            form = "full"
        if form == "hyphen break" and (len(person.surname) < 5 or " " in person.surname):
            form = "line break"
        first, surname = person.first, person.surname
        if form == "full":
            return [_must(person.full, "name: full name")]
        if form == "middle":
            return [_must(f"{first} {person.middle} {surname}", "name: with middle name")]
        if form == "first":
            return [_must(first, "name: first name alone")]
        if form == "titled":
            return [_may(f"{person.title} "), _must(surname, "name: title and surname")]
        if form == "surname":
            return [_must(surname, "name: surname alone")]
        if form == "titled full":
            return [_may(f"{person.title} "), _must(person.full, "name: title and full name")]
        if form == "initial and surname":
            dot = rng.choice([". ", " "])
            return [_must(f"{first[0]}{dot}{surname}", "name: initial and surname")]
        if form == "capitals":
            return [_must(f"{first} {surname.upper()}", "name: surname in capitals")]
        if form == "surname first":
            shown = surname.upper() if rng.random() < 0.5 else surname
            return [_must(f"{shown}, {first}", "name: surname, first name")]
        if form == "nickname":
            assert person.nickname is not None
            quote = rng.choice(['"', "‘", ""])
            close = {"‘": "’"}.get(quote, quote)
            return [_plain(quote), _must(person.nickname, "name: nickname"), _plain(close)]
        if form == "former":
            return [_must(f"{first} {person.former}", "name: former name")]
        if form == "typo":
            if rng.random() < 0.5:
                return [_must(_typo(person.full, rng), "name: one letter wrong")]
            if rng.random() < 0.5:
                return [
                    _may(f"{person.title} "),
                    _must(_typo(surname, rng), "name: one letter wrong"),
                ]
            return [_must(_typo(first, rng), "name: one letter wrong")]
        if form == "line break":
            return [_must(f"{first}\n{surname}", "name: line break inside")]
        if form == "paragraph break":
            return [_must(f"{first}\n\n{surname}", "name: paragraph break inside")]
        if form == "hyphen break":
            # A hyphenation program breaks a word before a small letter, never "Mc-Gregor".
            cut = rng.choice([i for i in range(2, len(surname) - 1) if surname[i].islower()])
            broken = f"{surname[:cut]}-\n{surname[cut:]}"
            return [_must(f"{first} {broken}", "name: word broken by a hyphen")]
        if form == "possessive":
            name = rng.choice([first, person.full])
            return [_must(name, "name: possessive"), _may(rng.choice(["'s", "’s"]))]
        if form == "initials":
            return [_must(person.initials(dotted=True), "name: initials (Z.S.)")]
        if form == "initials plain":
            return [_must(person.initials(dotted=False), "name: initials (ZS)")]
        raise ValueError(form)

    # --- addresses

    def address(self, variant: str = "") -> Pieces:
        rng = self.rng
        region = self.other_region()
        separator = ", "
        if variant == "block":
            # An address block, one line each, as copied from a letter.
            separator, variant = "\n", ""
        variant = variant or rng.choice(["numbered", "numbered", "no number", "house name", "flat"])
        street = rng.choice(region.streets)
        town, district = rng.choice(region.towns)
        category = f"address ({region.name}, {variant})"
        number = f"{rng.randrange(1, 180)}{rng.choice(['', '', '', 'A'])}"
        if variant == "numbered":
            line = f"{number} {street}"
        elif variant == "no number":
            line = street
        elif variant == "house name":
            line = rng.choice(region.house_names)
            if rng.random() < 0.6:
                line += f"{separator}{street}"
        else:
            flat = rng.choice(
                [
                    f"Flat {rng.randrange(1, 12)}",
                    f"Flat {rng.randrange(1, 4)}/{rng.randrange(1, 3)}",
                ]
                if region.name == "Scottish"
                else [f"Flat {rng.randrange(1, 12)}", f"Apartment {rng.randrange(1, 30)}"]
            )
            line = f"{flat}{separator}{rng.choice(region.buildings)}"
            if rng.random() < 0.5:
                line += f"{separator}{number} {street}"
        pieces = [_must(line, category), _may(f"{separator}{town}")]
        if rng.random() < 0.8:
            pieces += [_plain(rng.choice([" ", separator])), self.postcode(district)]
        return pieces

    def street(self) -> Pieces:
        region = self.other_region()
        return [_must(self.rng.choice(region.streets), f"address ({region.name}, no number)")]

    def postcode(self, district: str = "") -> _Piece:
        rng = self.rng
        if not district:
            district = rng.choice(self.other_region().towns)[1]
        inward = f"{rng.randrange(10)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
        return _must(f"{district}{rng.choice([' ', ' ', ''])}{inward}", "postcode")

    # --- numbers and contact details

    def labelled(self, labels: Sequence[str], value: _Piece, arg: str) -> Pieces:
        if arg == "labelled":
            return [_may(self.rng.choice(labels)), value]
        return [value]

    def nhs(self, arg: str) -> Pieces:
        rng = self.rng
        while True:
            digits = _digits(rng, 10)
            if _nhs_valid(digits):
                break
        valid = rng.random() < 0.6
        if not valid:
            while _nhs_valid(digits):
                i = rng.randrange(10)
                digits = (
                    digits[:i] + str((int(digits[i]) + rng.randrange(1, 10)) % 10) + digits[i + 1 :]
                )
        sep = rng.choice([" ", " ", "", "-"])
        shown = f"{digits[:3]}{sep}{digits[3:6]}{sep}{digits[6:]}"
        category = "NHS number (check digit valid)" if valid else "NHS number (check digit wrong)"
        return self.labelled(
            ["NHS number ", "NHS no. ", "NHS No: ", "NHS number: "], _must(shown, category), arg
        )

    def nino(self, arg: str) -> Pieces:
        rng = self.rng
        while True:
            prefix = rng.choice(_NINO_FIRST) + rng.choice(_NINO_SECOND)
            if prefix not in _NINO_NEVER:
                break
        category = "NI number"
        if rng.random() < 0.25:
            prefix = rng.choice("DFIQUV") + prefix[1]
            category = "NI number (impossible first letter)"
        digits = _digits(rng, 6)
        suffix = rng.choice("ABCD")
        if rng.random() < 0.5:
            shown = f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
        else:
            shown = f"{prefix}{digits}{suffix}"
        return self.labelled(
            ["NI number ", "National Insurance number ", "NINO: ", "NI no. "],
            _must(shown, category),
            arg,
        )

    def pnc(self, arg: str) -> Pieces:
        rng = self.rng
        year = rng.randrange(1985, 2025)
        serial = rng.randrange(1, 999_999)
        letter = _CHECK_LETTERS[int(f"{year % 100:02d}{serial:07d}") % 23]
        valid = rng.random() < 0.6
        if not valid:
            letter = rng.choice([c for c in _CHECK_LETTERS if c != letter])
        if rng.random() < 0.6:
            shown = f"{year}/{serial:07d}{letter}"
        else:
            shown = f"{year % 100:02d}/{serial}{letter}"
        category = "PNC ID (check letter valid)" if valid else "PNC ID (check letter wrong)"
        return self.labelled(["PNC ", "PNC ID ", "PNC no. ", "PNC: "], _must(shown, category), arg)

    def cro(self, arg: str) -> Pieces:
        rng = self.rng
        serial = rng.randrange(1, 999_999)
        year = f"{rng.randrange(85, 124) % 100:02d}"
        letter = _CHECK_LETTERS[int(f"{year}{serial:06d}") % 23]
        valid = rng.random() < 0.6
        if not valid:
            letter = rng.choice([c for c in _CHECK_LETTERS if c != letter])
        category = "CRO number (check letter valid)" if valid else "CRO number (check letter wrong)"
        return self.labelled(
            ["CRO ", "CRO no. ", "CRO number "],
            _must(f"{serial:06d}/{year}{letter}", category),
            arg,
        )

    def crn(self, arg: str) -> Pieces:
        shown = f"{self.rng.choice(string.ascii_uppercase)}{_digits(self.rng, 6)}"
        return self.labelled(["CRN ", "CRN: ", "nDelius CRN "], _must(shown, "CRN"), arg)

    def prison_number(self, arg: str) -> Pieces:
        rng = self.rng
        letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(2))
        shown = f"{rng.choice('AG')}{_digits(rng, 4)}{letters}"
        return self.labelled(
            ["prison number ", "prison no. ", "NOMIS number "], _must(shown, "prison number"), arg
        )

    def phone(self, arg: str) -> Pieces:
        rng = self.rng
        kind = arg or rng.choice(["mobile", "mobile", "landline", "international"])
        if kind == "landline":
            pattern = rng.choice(self.other_region().landlines)
            shown = "".join(str(rng.randrange(10)) if c == "#" else c for c in pattern)
            return [_must(shown, "phone (landline)")]
        number = f"7{rng.choice('1345789')}{_digits(rng, 8)}"
        if kind == "international":
            lead = rng.choice(["+44 ", "+44 (0)", "0044 "])
            return [_must(f"{lead}{number[:4]} {number[4:]}", "phone (+44)")]
        shown = rng.choice(
            [
                f"0{number[:4]} {number[4:]}",
                f"0{number}",
                f"0{number[:4]} {number[4:7]} {number[7:]}",
            ]
        )
        return [_must(shown, "phone (mobile)")]

    def email(self, person: _Person) -> Pieces:
        rng = self.rng
        first = _ascii(person.first)
        last = _ascii(person.surname).replace(" ", "").replace("'", "")
        if person.email_domain in ("gmail.com",):
            local = rng.choice(
                [f"{first}.{last}", f"{first}{rng.randrange(70, 99)}", f"{first[0]}{last}"]
            )
            domain = rng.choice(["gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk"])
        else:
            local, domain = f"{first}.{last}", person.email_domain
        return [_must(f"{local}@{domain}", "email address")]

    # --- dates, ages

    def date_text(self, *, year_from: int = 2022, year_to: int = 2025) -> str:
        rng = self.rng
        day, month, year = (
            rng.randrange(1, 29),
            rng.randrange(1, 13),
            rng.randrange(year_from, year_to),
        )
        return rng.choice(
            [
                f"{day:02d}/{month:02d}/{year}",
                f"{day} {_MONTHS[month - 1]} {year}",
                f"{day:02d}.{month:02d}.{year % 100:02d}",
                f"{day} {_MONTHS[month - 1][:3]} {year}",
            ]
        )

    def dob(self, arg: str) -> Pieces:
        shown = self.date_text(year_from=1958, year_to=2006)
        if arg == "cell":
            return [_must(shown, "date of birth (table cell)")]
        date = _must(shown, "date of birth")
        if arg == "plain":
            return [date]
        label = self.rng.choice(
            [
                "DOB ",
                "DOB: ",
                "D.O.B. ",
                "d.o.b. ",
                "date of birth ",
                "born ",
                "born on ",
                "Date of birth: ",
            ]
        )
        return [_may(label), date]

    def age(self, arg: str) -> Pieces:
        rng = self.rng
        years = str(rng.randrange(17, 79))
        form = arg or rng.choice(["aged", "year-old", "paren", "years old"])
        if form == "aged":
            return [_may("aged "), _must(years, "age (aged 34)")]
        if form == "year-old":
            return [_must(years, "age (34-year-old)"), _may("-year-old")]
        if form == "years old":
            return [_must(years, "age (34 years old)"), _may(" years old")]
        return [_plain("("), _must(years, "age ((34) after a name)"), _plain(")")]

    # --- what must stay

    def keep_date(self) -> Pieces:
        return [_keep(self.date_text(), "date")]

    def slot(self, name: str, arg: str, forms: dict[str, int]) -> Pieces:
        rng = self.rng
        region = self.region
        if name in self.people:
            if arg == "email":
                return self.email(self.people[name])
            return self.mention(self.people[name], forms, arg)
        simple: dict[str, Callable[[str], Pieces]] = {
            "nhs": self.nhs,
            "ni": self.nino,
            "pnc": self.pnc,
            "cro": self.cro,
            "crn": self.crn,
            "prison_number": self.prison_number,
            "phone": self.phone,
            "dob": self.dob,
            "age": self.age,
        }
        if name in simple:
            return simple[name](arg)
        if name == "address":
            return self.address(arg)
        if name == "street":
            return self.street()
        if name == "postcode":
            return [self.postcode()]
        if name == "date":
            return self.keep_date()
        if name == "time":
            return [
                _keep(f"{rng.randrange(8, 18):02d}:{rng.choice(['00', '15', '30', '45'])}", "time")
            ]
        if name == "number":
            return [_keep(str(rng.randrange(2, 13)), "number")]
        if name == "word":
            return [_keep(arg, "ordinary word that is also a name")]
        if name == "abbr":
            return [_keep(arg, "abbreviation")]
        lists = {
            "police": region.police,
            "health": region.health,
            "council": region.councils,
            "court": region.courts,
            "prison": region.prisons,
        }
        if name in lists:
            category = "court or prison" if name in ("court", "prison") else "agency"
            return [_keep(rng.choice(lists[name]), category)]
        if name == "office":
            return [_keep(rng.choice(region.towns)[0], "town named for an office")]
        raise ValueError(f"No slot {name!r}")


_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


def _ascii(text: str) -> str:
    table = str.maketrans("âêîôûŵŷáéíóúàèìòùäëïöüñńłśźżąę’", "aeiouwyaeiouaeiouaeiounnlszzae'")
    return text.lower().translate(table)


# --- The styles -------------------------------------------------------------------------------

_NARRATIVE = [
    "{pop:full} {age:paren} was sentenced at {court} on {date} to a community order of "
    "{number} months.",
    "At the time of the offence {pop} was living with {victim} at {address}.",
    "{prac} completed the OASys assessment on {date}; {pop} was assessed as posing a high risk "
    "of serious harm to {victim}.",
    "{officer} of {police} attended {address} after {family} called {phone}.",
    "{family} told the panel that {pop} had been drinking heavily and that there was little "
    "{word:hope} of change.",
    "{pop}, also known as {pop:nickname}, had {number} previous convictions recorded under "
    "{pnc:labelled}.",
    "{victim} ({dob}) had moved to {address} with the children.",
    "The {nhs:labelled} recorded for {pop} did not match the record held by {other}.",
    "{prac} emailed {victim:email} on {date} and received no reply for three weeks.",
    "{pop:possessive} {crn:labelled} and {prison_number:labelled} were both on the referral.",
    "{victim} was described by {officer} as a {age:year-old} living alone near {street}.",
    "A referral was made to {health}, but {pop} did not attend the appointment on {date} at "
    "{time}.",
    "{other} said that {pop:nickname} was often at the house on {street}.",
    "Information about {pop} was shared with {council} on {date}, but not with {officer}.",
    'In interview {family} said: "{pop:first} {word:will} not stop, and nobody listened."',
    "The {cro:labelled} was not checked before release from {prison}.",
    "{pop} was formerly known as {pop:former}.",
    "{pop} ({ni:labelled}) claimed Universal Credit from {address}.",
    "Contact details for {victim} were recorded as {phone} and {victim:email}.",
    "On {date} {prac} and {officer} made a joint home visit to {address}; {pop} was not at home.",
    "MAPPA level {number} was considered at the meeting on {date}, and {prac} recorded why.",
    "Concerns {word:rose} after the move, and the panel found the risk {word:may} have been "
    "underestimated.",
    "{victim} told {officer} that {pop} had turned up at {family:possessive} flat at "
    "{address:flat}.",
    "{pop} {age:aged} gave {family} as next of kin, living at {address:house name}.",
    "{other} ({phone:landline}) raised concerns with {prac} twice in one month.",
    "The {abbr:PNC} and nDelius records for {pop} disagreed about the address: {address:no "
    "number} in one and {address:numbered} in the other.",
    "Throughout this period {prac} saw {pop} weekly at the {office} office.",
    "{victim:first} did not know that {pop:titled} had been released from {prison}.",
    "{pop} gave a date of birth of {dob:plain} to {officer}, which did not match the "
    "{nhs:labelled}.",
    "The panel heard from {family} {age:paren}, who had cared for {pop:first} since {date}.",
]
_HEADINGS = [
    "Section {n}: Analysis of practice",
    "{n}. Background",
    "Part {n} – Engagement and compliance",
    "{n}. Risk assessment and management",
]

_CHRONOLOGY = [
    "{abbr:PO} visited {pop:initials} at {address}. No concerns noted.",
    "Call from {victim} to {police} on {phone}; {officer} attended.",
    "{pop} failed to attend appointment. Letter sent to {address:numbered}.",
    "{abbr:OM} {prac} discussed the case with {abbr:SPO}; no recall.",
    "{family} reported that {pop:first} was sleeping at {address:house name}.",
    "{pop:titled} arrested. {pnc:labelled}. Released under investigation.",
    "{abbr:DA} referral received about {victim:initials}; {abbr:MARAC} on {date}.",
    "Home visit by {prac} and {officer}; {pop:nickname} present, {victim} not seen.",
    "{pop} moved to {address:flat}. Address checks requested from {police}.",
    "{other} phoned {prac} on {phone:landline} with concerns about {pop:first}.",
    "{pop} released from {prison}, {prison_number:labelled}, to {address}.",
    "Email from {victim:email} to {prac}: {victim:first} frightened.",
    "{abbr:VLO} letter to {victim} {age:paren} at {address:no number}.",
    "{pop} {dob} seen at {court}; remanded.",
]
_CHRONOLOGY_SEPARATORS = [" – ", " - ", ": ", "\t"]

_CONTACT_HEADERS = [
    ("Name | Role | Agency | Phone | Email", " | "),
    ("Name\tRole\tAgency\tPhone\tEmail", "\t"),
]
_ROLE_WORDS = {
    "pop": "Person on probation",
    "victim": "Victim",
    "family": "Family member",
    "prac": "Probation practitioner",
    "officer": "Officer in case",
    "other": "Witness",
}

_KEY_DETAILS = [
    ["Name: ", "{pop:full}", " (also known as ", "{pop:nickname}", ")"],
    ["{dob}", " ", "{age:paren}"],
    ["Address: ", "{address}"],
    ["Previous address:\n", "{address:block}"],
    ["{nhs:labelled}"],
    ["{pnc:labelled}; ", "{cro:labelled}"],
    ["{crn:labelled}"],
    ["{prison_number:labelled}"],
    ["{ni:labelled}"],
    ["Telephone: ", "{phone}"],
    ["Email: ", "{pop:email}"],
    ["Next of kin: ", "{family:titled full}", ", ", "{address:numbered}"],
]
_FINDINGS = [
    "{prac} did not share the {abbr:DA} call-out history with {council}.",
    "Contact with {victim} stopped after {date}; no one followed it up.",
    "{officer} was not told that {pop} had moved to {address:no number}.",
    "{pop:surname} was seen {number} times in six months by {prac:titled}.",
    "The risk to {victim:first} was not reviewed when {pop:first} was released.",
    "{family} {age:aged} was not asked about {pop:possessive} drinking.",
    "Good practice: {other} shared concerns with {prac} on the same day.",
]
_BULLETS = ["• ", "- ", "* ", "– "]

_CASE_NOTES = [
    "{pop:initials} attended on time. Presented as low in mood.",
    "{pop:initials} reports that {victim:initials} has been in touch by phone.",
    "Discussed licence conditions with {pop:initials}; {pop:initials plain} says there is "
    "no contact with {victim:first}.",
    "{pop:initials} to report again on {date} at {time}.",
    "Phoned {family} on {phone}, who said {pop:first} had been drinking.",
    "{pop:initials plain} disclosed staying at {address} with {family:initials}.",
    "Checked with {police}: {officer} confirmed a call-out on {date}.",
    "{pop:initials} asked for the appointment to move; {prac:initials} agreed.",
    "{pop:initials} gave {phone:mobile} as a new number.",
]


def _heading(case: _Case, builder: _Builder) -> None:
    heading = case.rng.choice(_HEADINGS).replace("{n}", str(case.rng.randrange(1, 9)))
    builder.plain(f"{heading}\n\n")


def _write_narrative(case: _Case, builder: _Builder) -> None:
    rng = case.rng
    _heading(case, builder)
    paragraphs = rng.randint(2, 4)
    for p in range(paragraphs):
        for i, template in enumerate(rng.sample(_NARRATIVE, rng.randint(3, 6))):
            if i:
                builder.plain(" ")
            builder.add(_fill(template, lambda n, a: case.slot(n, a, _NAME_FORMS)))
        builder.plain("\n\n" if p < paragraphs - 1 else "\n")


def _write_chronology(case: _Case, builder: _Builder) -> None:
    rng = case.rng
    builder.plain(rng.choice(["Chronology of contact\n\n", "Chronology\n", "Key events\n\n"]))
    separator = rng.choice(_CHRONOLOGY_SEPARATORS)
    forms = {"initials": 4, "titled": 4, "first": 4, "full": 4, "nickname": 1, "typo": 1}
    for template in rng.sample(_CHRONOLOGY, rng.randint(7, 12)):
        builder.add(case.keep_date())
        builder.plain(separator)
        builder.add(_fill(template, lambda n, a: case.slot(n, a, forms)))
        builder.plain("\n")


def _write_contacts(case: _Case, builder: _Builder) -> None:
    rng = case.rng
    header, separator = rng.choice(_CONTACT_HEADERS)
    builder.plain(rng.choice(["Contacts\n\n", "People involved\n", "Table 1: contacts\n"]))
    builder.plain(header + "\n")
    if separator == " | ":
        builder.plain(" | ".join(["---"] * 5) + "\n")
    agencies = {
        "prac": case.region.probation,
        "officer": case.people["officer"].agency or "",
        "other": rng.choice(case.region.health),
    }
    slots = list(case.people)
    rng.shuffle(slots)
    for slot in slots:
        person = case.people[slot]
        cells: list[Pieces] = [
            case.mention(person, _TABLE_FORMS),
            [_keep("GP", "abbreviation")]
            if slot == "other" and person.title == "Dr"
            else [_plain(_ROLE_WORDS[slot])],
            [_keep(agencies[slot], "agency")] if slot in agencies else [_plain("–")],
            case.phone(""),
            case.email(person) if rng.random() < 0.7 else [_plain("not known")],
        ]
        for i, cell in enumerate(cells):
            if i:
                builder.plain(separator)
            builder.add(cell)
        builder.plain("\n")
    # A second table: the people's dates of birth and addresses, unlabelled in their cells.
    builder.plain("\n" + separator.join(["Name", "Relationship", "DOB", "Address"]) + "\n")
    for slot in ("pop", "victim", "family"):
        person = case.people[slot]
        cells = [
            case.mention(person, _TABLE_FORMS),
            [_plain(_ROLE_WORDS[slot])],
            case.dob("cell"),
            case.address(),
        ]
        for i, cell in enumerate(cells):
            if i:
                builder.plain(separator)
            builder.add(cell)
        builder.plain("\n")


def _write_bullets(case: _Case, builder: _Builder) -> None:
    rng = case.rng
    bullet = rng.choice(_BULLETS)
    builder.plain("Key details\n")
    for line in rng.sample(_KEY_DETAILS, rng.randint(6, len(_KEY_DETAILS))):
        builder.plain(bullet)
        for part in line:
            builder.add(_fill(part, lambda n, a: case.slot(n, a, _NAME_FORMS)))
        builder.plain("\n")
    builder.plain("\nKey findings\n")
    for template in rng.sample(_FINDINGS, rng.randint(4, len(_FINDINGS))):
        builder.plain(bullet)
        builder.add(_fill(template, lambda n, a: case.slot(n, a, _NAME_FORMS)))
        builder.plain("\n")


def _write_case_notes(case: _Case, builder: _Builder) -> None:
    rng = case.rng
    for _ in range(rng.randint(2, 4)):
        builder.plain("Case note – ")
        builder.add(case.keep_date())
        builder.plain(" ")
        builder.add(case.slot("time", "", _NOTE_FORMS))
        builder.plain(
            rng.choice([" – Office visit\n", " – Telephone contact\n", " – Home visit\n"])
        )
        for i, template in enumerate(rng.sample(_CASE_NOTES, rng.randint(2, 4))):
            if i:
                builder.plain(" ")
            builder.add(_fill(template, lambda n, a: case.slot(n, a, _NOTE_FORMS)))
        builder.plain("\nEntered by: ")
        builder.add(case.mention(case.people["prac"], _NOTE_FORMS, "initials plain"))
        builder.plain(" (")
        builder.add([_keep("PP", "abbreviation")])
        builder.plain(")\n\n")


_WRITERS: dict[str, Callable[[_Case, _Builder], None]] = {
    "narrative": _write_narrative,
    "wrapped narrative": _write_narrative,
    "chronology": _write_chronology,
    "contacts table": _write_contacts,
    "bullets": _write_bullets,
    "case notes": _write_case_notes,
}
