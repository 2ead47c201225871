"""Redacting SFO review extracts: find what to redact, apply it, render and verify the PDF.

A pure library: it imports neither Flask, nor the database, nor the portal's own packages.
spaCy is imported only when a spaCy recogniser is asked for, and pypdf only to verify a PDF.
"""

from redaction.apply import (
    accept_all,
    add_manual,
    apply_redactions,
    decide,
    forbidden_strings,
    merge,
)
from redaction.detect import Detector, deduplicate, propose_redactions
from redaction.labels import assign_labels
from redaction.model import (
    REDACTED,
    Party,
    Proposal,
    Redaction,
    RedactionError,
    Role,
    Source,
    State,
)
from redaction.ner import (
    CombinedFinder,
    EntityFinder,
    NerUnavailable,
    SpacyFinder,
    TitledNameFinder,
    default_finder,
)
from redaction.paragraphs import ReadingSection, for_reading
from redaction.patterns import DEFAULT_CASE_REFERENCE_PATTERNS, find_patterns
from redaction.pdf import MARKING, Section, render_extract, verify_pdf

__all__ = [
    "DEFAULT_CASE_REFERENCE_PATTERNS",
    "MARKING",
    "REDACTED",
    "CombinedFinder",
    "Detector",
    "EntityFinder",
    "NerUnavailable",
    "Party",
    "Proposal",
    "Redaction",
    "ReadingSection",
    "RedactionError",
    "Role",
    "Section",
    "Source",
    "SpacyFinder",
    "State",
    "TitledNameFinder",
    "accept_all",
    "add_manual",
    "apply_redactions",
    "assign_labels",
    "decide",
    "deduplicate",
    "default_finder",
    "find_patterns",
    "for_reading",
    "forbidden_strings",
    "merge",
    "propose_redactions",
    "render_extract",
    "verify_pdf",
]
