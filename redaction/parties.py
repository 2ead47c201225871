"""Finding the known parties of a case in a text, under the many ways a name gets written.

Variants matched for a party "John Paul Smith": the full name, "John Smith", "John" alone,
"Smith" alone, a title with the surname or the full name ("Mr Smith", "DC John Smith"),
initials with the surname ("J. Smith", "J P Smith", "JP Smith"), initials alone ("J.S.", "JS",
"JPS", "D.a.R." for a particle) in capitals, as "could be any of" them when parties share
initials, and possessives of all of these ("Smith's", "the Smiths'"). Case does not matter, and
a name may be broken across lines, a paragraph break, spaces or a hyphen at the end of a line.

Names that are also ordinary words ("Hope", "Will", "Mark", "May", "Rose", see
`COMMON_WORD_NAMES`) are matched on their own only where they look like a name:
  * written with a capital, and
  * not straight after "the", "a", "his", "her"... (a name takes no article: "her Will"), and
  * at the start of a sentence, where every word has a capital, not followed by a pronoun
    ("Will you...", "May I..."), and
  * for month names, not next to a day or year ("3 May", "May 2026") nor after "in", "during",
    "since", "until", "early", "late", "mid" ("in May").
Beside another part of the same name ("Will Hope", "Mr Hope", "J. Hope") they always match,
except that two ordinary words together ("will hope") still need their capitals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from redaction.labels import assign_labels
from redaction.model import REDACTED, Party, Proposal, RedactionError, Source
from redaction.text import Token, at_sentence_start, fold, tokenise


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


TITLES = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "master", "dr", "prof", "professor", "rev", "revd",
        "sir", "dame", "lady", "lord", "judge", "cllr", "nurse",
        # Police ranks written before a name.
        "pc", "wpc", "dc", "ds", "sgt", "di", "dci", "dsi", "insp", "ch", "supt", "dsupt",
        "pcso", "sergeant", "inspector", "constable", "officer",
    }
)  # fmt: skip
_GENDERED_TITLES = frozenset({"mr", "mrs", "ms", "miss", "master"})

# Names that are also everyday English words. A reviewer can always add a missed one by hand;
# this list only decides when a lone word is proposed without other evidence.
COMMON_WORD_NAMES = _word_set(
    """
    hope will mark may rose grace faith joy bill frank amber april june august summer dawn
    daisy holly ivy iris lily ruby pearl violet jack rob sue pat ray guy sandy heath cliff dale
    glen wood brown white green black grey gray young king page hall hill bell cook baker price
    rich grant case long little short bishop mason fox wolf lamb swan drew chase chance sterling
    carter parker porter turner walker fisher hunter miller taylor ward wells west north south
    may rose sunny sky storm river brook violet jewel honey candy penny crystal destiny trinity
    victory lane field fields moss marsh stone banks rivers waters march hart hale hardy bright
    gay joyce noble major duke earl baron prince princess queen abbot dean pope sharp strong
    sweet best good love lovely peace rain snow gill hood lake pool ford bush reed rush
    jan feb mar apr jun jul aug sep sept oct nov dec
    """
)
MONTH_NAMES = frozenset(
    {"january", "march", "april", "may", "june", "july", "august"}
    # Abbreviated, they are nicknames too ("Dec" for Declan).
    | {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
)
_DETERMINERS = frozenset(
    {"the", "a", "an", "his", "her", "their", "my", "your", "our", "its", "no"}
)
_PRONOUNS = frozenset(
    {"i", "you", "we", "he", "she", "they", "it", "there", "this", "that", "these", "those"}
)
_MONTH_CUES = frozenset(
    {"in", "during", "since", "until", "till", "early", "late", "mid", "throughout", "by"}
)
# Initials alone are not proposed when they spell a word a capitalised heading may hold.
_INITIALS_THAT_ARE_WORDS = _word_set(
    """
    am an as at be by do go he hi if in is it me my no of oh ok on or so to up us we
    act age aid all and any are art ask bad bed big can car day did dog end far few for get
    had has her him his how its job law let man may men new not now off old one our out own
    put ran say see she sit six son ten the too two use was way who why yes yet you
    """
)
_ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")
# Names at least this long are looked for with a typing slip in them; shorter ones are too
# close to too many words.
_SLIP_LENGTH = 4
_MAX_KEY = 6


@dataclass(frozen=True)
class _Variant:
    party: str
    kind: str
    title: str | None = None


def _name_tokens(name: str) -> list[str]:
    return [t.norm for t in tokenise(name)]


def _initials(words: Sequence[str]) -> str:
    return "".join(w[0] for w in words)


class PartyMatcher:
    """Every variant of every party's name, compiled once for a case and used on many texts."""

    def __init__(self, parties: Sequence[Party]) -> None:
        self.parties = {p.ident: p for p in parties}
        self.labels = assign_labels(parties)
        self._table: dict[tuple[str, ...], set[_Variant]] = defaultdict(set)
        initials_owners: dict[str, set[str]] = defaultdict(set)
        for party in parties:
            for name in (party.name, *party.aliases):
                self._add_name(party, name, initials_owners)
        # Initials are proposed even when two parties share them (which of them it is then
        # stays open), and spelt out with full stops or spaces even when they make a word.
        for initials, owners in initials_owners.items():
            for owner in owners:
                self._table[tuple(initials)].add(_Variant(owner, "initials"))
                if initials not in _INITIALS_THAT_ARE_WORDS:
                    self._table[(initials,)].add(_Variant(owner, "initials"))
        self._prefixes = {key[:k] for key in self._table for k in range(1, len(key) + 1)}
        # Each long name word, and it less one letter: two words one typing slip apart (a
        # letter wrong, missing or extra) share one of these forms.
        self._slips: dict[str, set[str]] = defaultdict(set)
        for party in parties:
            for name in (party.name, *party.aliases):
                for word in _name_tokens(name):
                    if len(word) >= _SLIP_LENGTH and word not in COMMON_WORD_NAMES:
                        for form in _less_one_letter(word):
                            self._slips[form].add(party.ident)

    def _misspelling(self, token: Token, visible: frozenset[str]) -> Proposal | None:
        """A capitalised word one slip from a party's name ("McGrwgor"), as a suspicion."""
        if len(token.norm) < _SLIP_LENGTH or not token.capitalised:
            return None
        if token.norm in COMMON_WORD_NAMES:
            return None
        owners = set().union(
            *(self._slips.get(form, set()) for form in _less_one_letter(token.norm))
        )
        if not owners or owners <= visible:
            return None
        labels = sorted(self.labels[owner] for owner in owners)
        return Proposal(
            start=token.start,
            end=token.end,
            text=token.text,
            reason=f"Might be a misspelling of the name of {' or '.join(labels)}",
            replacement=self.labels[next(iter(owners))] if len(owners) == 1 else REDACTED,
            source=Source.PARTY,
            party=next(iter(owners)) if len(owners) == 1 else None,
            kind="party",
            certain=False,
        )

    def _add_name(self, party: Party, name: str, initials_owners: dict[str, set[str]]) -> None:
        words = _name_tokens(name)
        if not words:
            raise RedactionError(f"The name {name!r} has no letters in it.")
        if party.surname and name == party.name:
            surname = _name_tokens(party.surname)
            given = words[: len(words) - len(surname)] if words[-len(surname) :] == surname else []
        elif len(words) > 1:
            # A hyphenated surname is one word of the name but two tokens.
            last_word = name.split()[-1]
            surname = _name_tokens(last_word)
            given = words[: len(words) - len(surname)]
        else:
            surname, given = words, []
        add = self._add
        add(tuple(words), party, "full name")
        if len(words) == 1:
            return
        add(tuple(surname), party, "surname")
        if given:
            add((given[0],), party, "first name")
            add((given[0], *surname), party, "first name and surname")
            add(tuple(given), party, "given names")
            add((given[0][0], *surname), party, "initial and surname")
            add((*(g[0] for g in given), *surname), party, "initials and surname")
            add((_initials(given), *surname), party, "initials and surname")
            add((*surname, given[0]), party, "surname and first name")
            initials_owners[_initials([*given[:1], *surname])].add(party.ident)
            initials_owners[_initials([*given, *surname])].add(party.ident)
        for title in TITLES:
            add((title, *surname), party, "title and surname", title)
            add((title, *words), party, "title and full name", title)
            if given:
                add((title, given[0], *surname), party, "title and name", title)
                add((title, given[0][0], *surname), party, "title, initial and surname", title)
                add((title, given[0]), party, "title and first name", title)

    def _add(self, key: tuple[str, ...], party: Party, kind: str, title: str | None = None) -> None:
        if 0 < len(key) <= _MAX_KEY:
            self._table[key].add(_Variant(party.ident, kind, title))

    def propose(self, text: str, *, keep_visible: Iterable[str] = ()) -> list[Proposal]:
        """A proposal for every mention of a party, labelled for their role.

        Mentions of parties in `keep_visible` (idents) stay, unless the mention could also be
        another party ("Smith" when two Smiths are known), which is then redacted.
        """
        visible = frozenset(keep_visible)
        tokens = tokenise(text)
        proposals: list[Proposal] = []
        i = 0
        while i < len(tokens):
            found = self._match_at(text, tokens, i)
            if found is None:
                misspelt = self._misspelling(tokens[i], visible)
                if misspelt is not None:
                    proposals.append(misspelt)
                i += 1
                continue
            length, end, variants, possessive = found
            proposal = self._proposal(text, tokens[i].start, end, variants, possessive, visible)
            if proposal is not None:
                proposals.append(proposal)
            i += length
        return proposals

    def _match_at(
        self, text: str, tokens: list[Token], i: int
    ) -> tuple[int, int, set[_Variant], bool] | None:
        if not any((form,) in self._prefixes for form in _forms(tokens[i].norm)):
            return None
        # Extend only over gaps a name can have inside it (spaces, line breaks, a hyphen, the
        # full stop after an initial or a title) and only while some name still starts so.
        length = 1
        limit = min(_MAX_KEY, len(tokens) - i)
        while length < limit:
            gap = text[tokens[i + length - 1].end : tokens[i + length].start]
            head = tuple(t.norm for t in tokens[i : i + length])
            nxt = tokens[i + length]
            if not _is_name_gap(gap) or not any(
                (*head, form) in self._prefixes for form in _forms(nxt.norm)
            ):
                break
            length += 1
        for n in range(length, 0, -1):
            found = self._lookup(text, tokens, i, n)
            if found is not None:
                return found
        return None

    def _lookup(
        self, text: str, tokens: list[Token], i: int, n: int
    ) -> tuple[int, int, set[_Variant], bool] | None:
        window = tokens[i : i + n]
        last = window[-1]
        head = tuple(t.norm for t in window[:-1])
        following = text[last.end : last.end + 1]
        candidates: list[tuple[tuple[str, ...], int, bool]] = []
        if last.norm.endswith("'s") and len(last.norm) > 2:
            candidates.append(((*head, last.norm[:-2]), last.end, True))
        if following in ("'", "’") and last.norm.endswith("s"):
            # "Jones' car", "the Smiths' house".
            candidates.append(((*head, last.norm), last.end + 1, True))
            candidates.append(((*head, last.norm[:-1]), last.end + 1, True))
        candidates.append(((*head, last.norm), last.end, False))
        for key, end, possessive in candidates:
            variants = self._table.get(key)
            if variants and self._plausible(text, tokens, i, n, variants):
                return n, end, variants, possessive
        return None

    def _plausible(
        self, text: str, tokens: list[Token], i: int, n: int, variants: set[_Variant]
    ) -> bool:
        window = tokens[i : i + n]
        if all(v.kind == "initials" for v in variants):
            return _written_as_initials(window)
        # Initials only count in capitals: "a smith" is not "A. Smith", "as" is not "A.S.".
        if any(len(t.norm) == 1 and not t.upper for t in window):
            return False
        if any(v.kind == "initials" for v in variants) and not all(t.upper for t in window):
            return False
        if any(v.title for v in variants) or any(len(t.norm) == 1 for t in window):
            return True
        if any(t.norm not in COMMON_WORD_NAMES for t in window):
            return True
        # Only ordinary words: they must look like a name.
        if not all(t.capitalised for t in window):
            return False
        if n > 1:
            return True
        word = window[0]
        prev = tokens[i - 1] if i > 0 else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if prev is not None and prev.norm in _DETERMINERS and _adjacent(text, prev, word):
            return False
        if at_sentence_start(text, word.start) and nxt is not None and nxt.norm in _PRONOUNS:
            return False
        if word.norm in MONTH_NAMES:
            if _next_is_number(text, word.end) or _previous_is_day(text, word.start):
                return False
            if prev is not None and prev.norm in _MONTH_CUES:
                return False
        return True

    def _proposal(
        self,
        text: str,
        start: int,
        end: int,
        variants: set[_Variant],
        possessive: bool,
        visible: frozenset[str],
    ) -> Proposal | None:
        title = next((v.title for v in variants if v.title), None)
        owners = sorted({v.party for v in variants if _title_fits(self.parties[v.party], title)})
        if not owners:
            owners = sorted({v.party for v in variants})
        if len(owners) == 1 and owners[0] in visible:
            return None
        mention = text[start:end]
        if len(owners) == 1:
            party = self.parties[owners[0]]
            label = self.labels[party.ident]
            kind = sorted(v.kind for v in variants if v.party == party.ident)[0]
            reason = f"Known party ({_role_words(party)}): {kind}"
            replacement = label
        else:
            names = ", ".join(self.labels[o] for o in owners)
            reason = f"Known party: could be any of {names}"
            replacement = REDACTED
            party = None
        if possessive:
            apostrophe = "’" if "’" in mention else "'"
            replacement = f"{replacement}{apostrophe}s"
        if replacement[:1].islower() and at_sentence_start(text, start):
            replacement = replacement[0].upper() + replacement[1:]
        return Proposal(
            start=start,
            end=end,
            text=mention,
            reason=reason,
            replacement=replacement,
            source=Source.PARTY,
            party=party.ident if party else None,
            kind="party",
        )


def _less_one_letter(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _forms(norm: str) -> tuple[str, ...]:
    """A word as written and, for a possessive, the name inside it."""
    if norm.endswith("'s") and len(norm) > 2:
        return (norm, norm[:-2])
    if norm.endswith("s"):
        return (norm, norm[:-1])
    return (norm,)


def _written_as_initials(window: Sequence[Token]) -> bool:
    """ "ZS", "Z.S.", "Z S", and "D.a.R." (a particle's initial small): capitals at both ends,
    so "as" or "a s" in a sentence are not taken for initials."""
    if len(window) == 1:
        # "SVdM": a particle's initial small inside.
        letters = window[0].text
        return letters[0].isupper() and letters[-1].isupper()
    return window[0].upper and window[-1].upper and all(len(t.norm) == 1 for t in window)


def _is_name_gap(gap: str) -> bool:
    if len(gap) > 12:
        return False
    stripped = gap.strip(" \t\r\n\u00ad")
    if "\n\n" in gap.replace("\r", "").replace(" ", "").replace("\t", ""):
        # A paragraph break alone, as a PDF's layout leaves one inside a name; never one after
        # a full stop, which ends a sentence.
        return stripped == ""
    return stripped in ("", ".", "-", ".-")


def _adjacent(text: str, left: Token, right: Token) -> bool:
    return text[left.end : right.start].strip() == ""


def _next_is_number(text: str, end: int) -> bool:
    rest = text[end : end + 6].lstrip(" ,\t\n")
    return rest[:1].isdigit()


def _previous_is_day(text: str, start: int) -> bool:
    before = text[max(0, start - 8) : start].rstrip().casefold()
    if before.endswith(" of"):
        before = before[:-3].rstrip()
    for suffix in _ORDINAL_SUFFIXES:
        if before.endswith(suffix) and before[: -len(suffix)][-1:].isdigit():
            return True
    return before[-1:].isdigit()


def _title_fits(party: Party, title: str | None) -> bool:
    if title is None or party.title is None:
        return True
    theirs = fold(party.title).rstrip(".")
    if theirs in _GENDERED_TITLES and title in _GENDERED_TITLES:
        return theirs == title or {theirs, title} <= {"mrs", "ms", "miss"}
    return True


def _role_words(party: Party) -> str:
    words = party.role.value.replace("_", " ")
    return f"{words}, {party.agency}" if party.agency else words
