"""A redacted review laid out for reading: lines joined into paragraphs, sections numbered
once, labels picked out."""

from __future__ import annotations

import pytest

from redaction.paragraphs import Run, for_reading, label_forms, mark_labels, own_number, paragraphs


def test_lines_broken_mid_sentence_are_joined_into_one_paragraph() -> None:
    text = (
        "This review concerns the person on probation, who was supervised on licence by the\n"
        "Probation Service from March 2024. Their practitioner was Practitioner A.\n"
        "On 4 June 2024 Practitioner A completed a risk assessment. The person on probation\n"
        "disclosed a new relationship with\n"
        "Victim but no enquiry was made with the police."
    )
    assert paragraphs(text) == [
        "This review concerns the person on probation, who was supervised on licence by the "
        "Probation Service from March 2024. Their practitioner was Practitioner A.",
        "On 4 June 2024 Practitioner A completed a risk assessment. The person on probation "
        "disclosed a new relationship with Victim but no enquiry was made with the police.",
    ]


def test_a_blank_line_ends_a_paragraph_even_mid_sentence() -> None:
    assert paragraphs("A heading-like line\n\n  \nThe next one") == [
        "A heading-like line",
        "The next one",
    ]


@pytest.mark.parametrize("ending", [".", "?", "!", ":", ";", '."', ".)", "’.", ".”"])
def test_a_line_ending_a_sentence_ends_the_paragraph(ending: str) -> None:
    assert paragraphs(f"It ended here{ending}\nA new one") == [
        f"It ended here{ending}",
        "A new one",
    ]


@pytest.mark.parametrize("line", ["He was seen by Mr.", "by Dr.", "as in e.g."])
def test_a_title_at_the_end_of_a_line_does_not_end_the_paragraph(line: str) -> None:
    assert paragraphs(f"{line}\nSmith on Monday.") == [f"{line} Smith on Monday."]


def test_a_label_ending_a_sentence_ends_the_paragraph() -> None:
    assert paragraphs("seen by Practitioner A.\nLater") == ["seen by Practitioner A.", "Later"]


def test_list_items_each_start_a_paragraph() -> None:
    text = "The panel found\n- no enquiry\n- no review\n(a) one\n(b) two\n3) three"
    assert paragraphs(text) == [
        "The panel found",
        "- no enquiry",
        "- no review",
        "(a) one",
        "(b) two",
        "3) three",
    ]


def test_a_word_hyphenated_at_a_line_end_is_joined_without_a_space() -> None:
    assert paragraphs("the risk-\nassessment was late") == ["the risk-assessment was late"]
    assert paragraphs("a dash -\nthen more") == ["a dash - then more"]


def test_spaces_are_tidied_and_windows_line_ends_read() -> None:
    assert paragraphs("  one   two\r\nthree\t four.\r\n\r\nfive") == ["one two three four.", "five"]
    assert paragraphs("") == [] and paragraphs("\n \n") == []


def test_labels_are_runs_of_their_own_in_every_form_they_take() -> None:
    runs = mark_labels(
        "The person on probation met Victim's brother and Practitioner AB, not Practitioner A.",
        ["the person on probation", "Victim", "Practitioner A", "Practitioner AB"],
    )
    assert runs == (
        Run("The person on probation", label=True),
        Run(" met "),
        Run("Victim's", label=True),
        Run(" brother and "),
        Run("Practitioner AB", label=True),
        Run(", not "),
        Run("Practitioner A", label=True),
        Run("."),
    )


def test_a_labels_words_written_otherwise_are_not_a_label() -> None:
    assert mark_labels("the victim and Victimised and aVictim", ["Victim"]) == (
        Run("the victim and Victimised and aVictim"),
    )


def test_redacted_marks_are_labels_that_stand_for_no_one() -> None:
    (before, mark, after) = mark_labels("called [redacted] twice", ["[redacted]"])
    assert mark == Run("[redacted]", label=True) and mark.removed
    assert not before.label and not after.removed
    assert mark_labels("", ["Victim"]) == () and mark_labels("text", []) == (Run("text"),)


def test_label_forms_are_longest_first() -> None:
    forms = label_forms(["Practitioner A", "the person on probation"])
    assert forms.index("Practitioner A's") < forms.index("Practitioner A")
    assert "The person on probation" in forms and "the person on probation’s" in forms


@pytest.mark.parametrize(
    ("heading", "number"),
    [("1. Introduction", "1"), ("2.3 Risk", "2.3"), ("Chronology", None), ("2024 review", None)],
)
def test_a_headings_own_number(heading: str, number: str | None) -> None:
    assert own_number(heading) == number


def test_headings_are_numbered_once_and_paragraphs_within_their_section() -> None:
    laid_out = for_reading(
        [("Review", "Opening words."), ("2. Chronology", "One.\nTwo.\n\nThree"), ("Analysis", "")],
        ["Victim"],
    )
    assert [(s.number, s.heading) for s in laid_out] == [
        ("1", "1. Review"),
        ("2", "2. Chronology"),
        ("3", "3. Analysis"),
    ]
    chronology = laid_out[1]
    assert [(p.number, p.text) for p in chronology.paragraphs] == [
        ("2.1", "One."),
        ("2.2", "Two."),
        ("2.3", "Three"),
    ]
    assert laid_out[2].paragraphs == ()


def test_sections_come_as_pairs_or_as_the_lists_json_gives_back() -> None:
    (section,) = for_reading([["1. Introduction", "Victim was\nseen."]], ["Victim"])
    assert section.heading == "1. Introduction"
    (paragraph,) = section.paragraphs
    assert paragraph.runs == (Run("Victim", label=True), Run(" was seen."))
