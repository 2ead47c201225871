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
except that two ordinary words together ("will hope") still need their capitals. Accents do not
matter either: "Zoe" and "Sian" are Zoë and Siân.

What might be a party's name without proving it is proposed as a suspicion (not `certain`),
with the reason the preparer reads:
  * a word one typing slip from a name ("Pembertin"); for a short name or one that is a word
    ("Niq" for Nia, "Dawb" for Dawn, "Reed" for Rees), only where it stands alone with a
    capital in the middle of a sentence;
  * a name of several words with one of them mistyped ("Ffion ap Rhus", "de lq Cruz");
  * initials that spell a word ("AM", "TO", "CaR" for Ciarán ap Rhys), written in capitals in
    a line of ordinary prose ("Entered by: AM"), not after a number ("10 AM") nor in a heading
    in capitals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from redaction.labels import assign_labels
from redaction.model import REDACTED, Party, Proposal, RedactionError, Source
from redaction.text import Token, at_sentence_start, fold, tokenise, unaccented


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
_CALENDAR_WORDS = MONTH_NAMES | _word_set(
    """
    february september october november december monday tuesday wednesday thursday friday
    saturday sunday mon tue tues wed thu thur thurs fri sat sun
    """
)
_ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")
# Names at least this long are looked for with a typing slip in them wherever they are
# capitalised; shorter ones, and names that are words, are too close to too many words, so a
# slip of them is proposed only where it stands alone as a name would (see `_misspelling`).
_SLIP_LENGTH = 4
_SHORTEST_SLIP = 3
_MAX_KEY = 6
# Short words a slip of a name particle ("ap", "de") must not be taken from: "at Rhys's".
_FUNCTION_WORDS = _word_set(
    """
    a i o am an as at be by do go he if in is it me my no of on or so to up us we
    and are but can for had has her him his its not our she the was who you
    """
)


@dataclass(frozen=True)
class _Variant:
    party: str
    kind: str
    title: str | None = None


@dataclass(frozen=True)
class _Sequence:
    """A name of two or more words, looked for with one of its words mistyped."""

    party: str
    kind: str
    words: tuple[str, ...]
    capitals: tuple[bool, ...]  # whether each word is written with a capital in the name


def _name_tokens(name: str) -> list[str]:
    return [unaccented(t.norm) for t in tokenise(name)]


def plain_tokens(text: str) -> list[Token]:
    """The words of `text`, compared without their accents."""
    return [
        t if t.norm.isascii() else Token(t.start, t.end, t.text, unaccented(t.norm))
        for t in tokenise(text)
    ]


def _initials(words: Sequence[str]) -> str:
    return "".join(w[0] for w in words)


class PartyMatcher:
    """Every variant of every party's name, compiled once for a case and used on many texts."""

    def __init__(self, parties: Sequence[Party]) -> None:
        self.parties = {p.ident: p for p in parties}
        self.labels = assign_labels(parties)
        self._table: dict[tuple[str, ...], set[_Variant]] = defaultdict(set)
        initials_owners: dict[str, set[str]] = defaultdict(set)
        # Initials that spell a word ("AM", "TO"), and how each is written ("CaR" for a
        # particle): proposed alone only where they stand out from the prose around them.
        self._word_initials: dict[str, set[str]] = defaultdict(set)
        self._initial_shapes: set[str] = set()
        self._sequences: dict[tuple[int, str], list[_Sequence]] = defaultdict(list)
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
                else:
                    self._word_initials[initials].add(owner)
        self._prefixes = {key[:k] for key in self._table for k in range(1, len(key) + 1)}
        # Each name word, and it less one letter: two words one typing slip apart (a letter
        # wrong, missing or extra) share one of these forms.
        self._slips: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for party in parties:
            for name in (party.name, *party.aliases):
                for word in _name_tokens(name):
                    if len(word) >= _SHORTEST_SLIP and word not in MONTH_NAMES:
                        for form in _less_one_letter(word):
                            self._slips[form].add((party.ident, word))

    def _misspelling(
        self, text: str, tokens: list[Token], i: int, visible: frozenset[str]
    ) -> Proposal | None:
        """A capitalised word one slip from a party's name ("McGrwgor"), as a suspicion.

        A slip of a long name that is not a word is proposed wherever it has a capital. A slip
        of a short name ("Niq" for Nia) or of one that is a word ("Dawb" for Dawn, "Reed" for
        Rees) is proposed only where it stands as a name does: with a capital in the middle of
        a sentence, alone (a title before it aside), not after "the" or "her".
        """
        token = tokens[i]
        norm = token.norm
        if len(norm) < _SHORTEST_SLIP or not token.capitalised or norm in _CALENDAR_WORDS:
            return None
        matches = {
            (owner, word)
            for form in _less_one_letter(norm)
            for owner, word in self._slips.get(form, ())
            if word != norm and (len(word) > _SHORTEST_SLIP or len(norm) == len(word))
        }
        if not matches:
            return None
        strong = norm not in COMMON_WORD_NAMES and any(
            len(word) >= _SLIP_LENGTH and word not in COMMON_WORD_NAMES for _, word in matches
        )
        if not strong and not self._stands_alone_as_a_name(text, tokens, i):
            return None
        owners = {owner for owner, _ in matches}
        if owners <= visible:
            return None
        return self._suspicion(token.start, token.end, text, owners, "a misspelling of the name")

    def _suspicion(self, start: int, end: int, text: str, owners: set[str], what: str) -> Proposal:
        labels = sorted(self.labels[owner] for owner in owners)
        one = next(iter(owners)) if len(owners) == 1 else None
        replacement = self.labels[one] if one else REDACTED
        if replacement[:1].islower() and at_sentence_start(text, start):
            replacement = replacement[0].upper() + replacement[1:]
        verb = "Might be" if what.startswith("a ") else "Could be"
        return Proposal(
            start=start,
            end=end,
            text=text[start:end],
            reason=f"{verb} {what} of {' or '.join(labels)}",
            replacement=replacement,
            source=Source.PARTY,
            party=one,
            kind="party",
            certain=False,
        )

    @staticmethod
    def _stands_alone_as_a_name(text: str, tokens: list[Token], i: int) -> bool:
        token = tokens[i]
        if at_sentence_start(text, token.start):
            return False
        before = text[max(0, token.start - 3) : token.start]
        if "\t" in before or "|" in before or before.rstrip()[-1:].isdigit():
            return False  # the first word of a table cell or of a dated entry
        prev = tokens[i - 1] if i > 0 else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if prev is not None and _adjacent(text, prev, token):
            # "Mill Lane", "Home Office": a capitalised word beside another is a longer name.
            if prev.norm in _DETERMINERS:
                return False
            if (
                prev.capitalised
                and prev.norm not in TITLES
                and not at_sentence_start(text, prev.start)
            ):
                return False
        return not (nxt is not None and _adjacent(text, token, nxt) and nxt.capitalised)

    def _word_as_initials(
        self, text: str, tokens: list[Token], i: int, visible: frozenset[str]
    ) -> Proposal | None:
        """ "AM" or "CaR" for Alan Moore or Ciarán ap Rhys: initials that spell a word, proposed
        as a suspicion where they are written in capitals in a line of ordinary prose."""
        token = tokens[i]
        owners = self._word_initials.get(token.norm)
        if not owners or owners <= visible or len(token.text) < 2:
            return None
        if not (token.upper or token.text in self._initial_shapes):
            return None
        before = text[max(0, token.start - 4) : token.start].rstrip(" \t")
        if before[-1:].isdigit():  # "10 AM"
            return None
        prev = tokens[i - 1] if i > 0 else None
        if prev is not None and prev.norm in _DETERMINERS and _adjacent(text, prev, token):
            return None  # "the US", "an IT team"
        if not _in_lower_case_prose(text, tokens, i):
            return None
        return self._suspicion(token.start, token.end, text, owners, "the initials")

    def _fuzzy_at(
        self, text: str, tokens: list[Token], i: int
    ) -> tuple[int, int, _Sequence] | None:
        """A name of several words with one of them mistyped ("Ffion ap Rhus", "Rlse Quinn",
        "de lq Cruz"): the other words as written in the name, the slip one letter wrong,
        missing or extra."""
        sequences = self._sequences
        first = sequences.get((0, tokens[i].norm))
        second = sequences.get((1, tokens[i + 1].norm)) if i + 1 < len(tokens) else None
        if not first and not second:
            return None
        candidates = [*(first or ()), *(second or ())]
        best: tuple[int, int, _Sequence] | None = None
        for sequence in candidates:
            n = len(sequence.words)
            if i + n > len(tokens) or (best is not None and n <= best[0]):
                continue
            window = tokens[i : i + n]
            if not all(
                _is_name_gap(text[a.end : b.start])
                for a, b in zip(window, window[1:], strict=False)
            ):
                continue
            if _one_word_slipped(window, sequence):
                best = (n, window[-1].end, sequence)
        return best

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
        capitals = {
            unaccented(t.norm): t.text[:1].isupper() for t in tokenise(name) if t.text[:1].isupper()
        }
        sequences = [(tuple(words), "full name")]
        if len(surname) > 1:
            sequences.append((tuple(surname), "surname"))
        if given and len(given) > 1:
            sequences.append(((given[0], *surname), "first name and surname"))
        for sequence, kind in sequences:
            entry = _Sequence(party.ident, kind, sequence, tuple(w in capitals for w in sequence))
            for k in (0, 1):
                self._sequences[(k, sequence[k])].append(entry)
        # How initials are written when a particle keeps its small letter: "CaR".
        shape_words = [*given[:1], *surname], [*given, *surname]
        for shape in shape_words:
            self._initial_shapes.add(
                "".join(w[0].upper() if w in capitals else w[0] for w in shape)
            )
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

    def propose(
        self,
        text: str,
        *,
        keep_visible: Iterable[str] = (),
        tokens: list[Token] | None = None,
    ) -> list[Proposal]:
        """A proposal for every mention of a party, labelled for their role.

        Mentions of parties in `keep_visible` (idents) stay, unless the mention could also be
        another party ("Smith" when two Smiths are known), which is then redacted. `tokens`:
        those of `plain_tokens(text)`, if the caller has them already.
        """
        visible = frozenset(keep_visible)
        if tokens is None:
            tokens = plain_tokens(text)
        proposals: list[Proposal] = []
        i = 0
        while i < len(tokens):
            found = self._match_at(text, tokens, i)
            fuzzy = self._fuzzy_at(text, tokens, i)
            if fuzzy is not None and (found is None or fuzzy[0] > found[0]):
                length, end, sequence = fuzzy
                if sequence.party not in visible:
                    proposals.append(
                        self._suspicion(
                            tokens[i].start,
                            end,
                            text,
                            {sequence.party},
                            f"a misspelling of the {sequence.kind}",
                        )
                    )
                i += length
                continue
            if found is None:
                suspected = self._misspelling(text, tokens, i, visible) or self._word_as_initials(
                    text, tokens, i, visible
                )
                if suspected is not None:
                    proposals.append(suspected)
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
        norm = tokens[i].norm
        prefixes = self._prefixes
        if (norm,) not in prefixes and not (
            norm.endswith("s")
            and ((norm[:-1],) in prefixes or (norm.endswith("'s") and (norm[:-2],) in prefixes))
        ):
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


def _one_slip(written: str, word: str) -> bool:
    """Whether two different words are one letter wrong, missing, extra or swapped apart."""
    if written == word or abs(len(written) - len(word)) > 1:
        return False
    return not _less_one_letter(written).isdisjoint(_less_one_letter(word))


def _one_word_slipped(window: Sequence[Token], sequence: _Sequence) -> bool:
    slips = 0
    for token, word, capital in zip(window, sequence.words, sequence.capitals, strict=True):
        norm = token.norm
        if norm.endswith("'s") and token is window[-1]:
            norm = norm[:-2]
        if capital and not token.capitalised:
            return False
        if norm == word:
            continue
        if slips or (norm in _FUNCTION_WORDS and token.text.islower()):
            return False
        if not _one_slip(norm, word):
            return False
        slips += 1
    return slips == 1


def _in_lower_case_prose(text: str, tokens: list[Token], i: int) -> bool:
    """Whether the line around token `i` holds an ordinary word in small letters, so that a
    word in capitals there stands out (not a heading in capitals)."""
    line_start = text.rfind("\n", 0, tokens[i].start) + 1
    line_end = text.find("\n", tokens[i].end)
    line_end = len(text) if line_end == -1 else line_end
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(tokens) and line_start <= tokens[j].start < line_end:
            if len(tokens[j].text) > 1 and tokens[j].text.islower():
                return True
            j += step
    return False


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
