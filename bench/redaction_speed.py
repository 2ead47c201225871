"""How fast redaction runs, and in how much memory: detection, PDF rendering and verification
over 10 to 1,000 generated pages, against the target of a 60-page review in 2 seconds.

Run from the repository root: `.venv/bin/python -m bench.redaction_speed [--ner] [--sizes 10 100]`.
A script, not a test: it prints figures and checks nothing but the 60-page target.
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from typing import Any

from bench.corpus import generate_review
from redaction import (
    Detector,
    EntityFinder,
    Proposal,
    Section,
    Source,
    State,
    accept_all,
    apply_redactions,
    default_finder,
    forbidden_strings,
    render_extract,
    verify_pdf,
)

TARGET_PAGES = 60
TARGET_SECONDS = 2.0


def timed(action: Callable[[], Any]) -> tuple[Any, float]:
    gc.collect()
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def peak_traced(action: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def run(pages: int, ner: EntityFinder | None, memory: bool) -> dict[str, float]:
    review = generate_review(pages)
    detector = Detector(parties=review.parties, ner=ner)
    sections = review.text.split("\n\nSection ")

    lowered = review.text.lower()

    def review_like_a_person(found: list[Proposal]) -> list[Proposal]:
        # Accept everything, except what a reviewer would reject: a recognised "name" that the
        # review also uses as an ordinary lower-case word ("Children's services").
        return [
            p.moved_to(State.REJECTED)
            if p.source is Source.NER and " " not in p.text and f" {p.text.lower()} " in lowered
            else p
            for p in accept_all(found)
        ]

    def detect() -> list[Any]:
        return [review_like_a_person(found) for found in detector.propose_sections(sections)]

    proposals, detect_s = timed(detect)
    redacted = [
        Section(f"Part {i + 1}", apply_redactions(text, found))
        for i, (text, found) in enumerate(zip(sections, proposals, strict=True))
    ]
    every = [p for found in proposals for p in found]
    forbidden = forbidden_strings(every, review.parties)

    def render() -> bytes:
        return render_extract(
            redacted, recipient="Bench Recipient", reference="EXT-BENCH", issued_on=date.today()
        )

    pdf, render_s = timed(render)
    leaks, verify_s = timed(lambda: verify_pdf(pdf, forbidden))
    if leaks:
        raise SystemExit(f"Leak in the benchmark extract: {leaks[:5]}")
    figures = {
        "pages": review.pages,
        "pdf_pages": pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page"),
        "proposals": len(every),
        "forbidden": len(forbidden),
        "detect_s": detect_s,
        "render_s": render_s,
        "verify_s": verify_s,
    }
    if memory:
        figures["detect_peak_mb"] = peak_traced(detect) / 2**20
        figures["render_peak_mb"] = peak_traced(render) / 2**20
        figures["verify_peak_mb"] = peak_traced(lambda: verify_pdf(pdf, forbidden)) / 2**20
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 100, 1000])
    parser.add_argument("--ner", action="store_true", help="also run the spaCy recogniser")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc passes")
    args = parser.parse_args()

    finder = default_finder() if args.ner else None
    if finder is not None and hasattr(finder, "finders"):
        for inner in finder.finders:
            if hasattr(inner, "load"):
                _, load_s = timed(inner.load)
                print(f"recogniser {finder.name}: loaded in {load_s:.2f} s (once per process)")
    print(f"recogniser: {finder.name if finder else 'off (parties and patterns only)'}")
    # Fonts are parsed once per process, by the first extract: not part of the per-page cost.
    _, warm_s = timed(lambda: run(1, finder, memory=False))
    print(f"first 1-page extract of the process (fonts loaded): {warm_s:.2f} s")
    header = (
        f"{'pages':>6} {'pdf pp':>6} {'found':>6} | {'detect p/s':>10} {'render p/s':>10} "
        f"{'verify p/s':>10} | {'detect MB':>9} {'render MB':>9} {'verify MB':>9}"
    )
    print(header)
    for size in args.sizes:
        f = run(size, finder, memory=not args.no_memory)
        print(
            f"{f['pages']:6.0f} {f['pdf_pages']:6.0f} {f['proposals']:6.0f} | "
            f"{f['pages'] / f['detect_s']:10.0f} {f['pages'] / f['render_s']:10.0f} "
            f"{f['pages'] / f['verify_s']:10.0f} | "
            f"{f.get('detect_peak_mb', 0):9.1f} {f.get('render_peak_mb', 0):9.1f} "
            f"{f.get('verify_peak_mb', 0):9.1f}"
        )

    f = run(TARGET_PAGES, finder, memory=False)
    total = f["detect_s"] + f["render_s"] + f["verify_s"]
    verdict = "within" if total < TARGET_SECONDS else "OVER"
    print(
        f"{TARGET_PAGES}-page review: detect {f['detect_s']:.2f} s + render {f['render_s']:.2f} s "
        f"+ verify {f['verify_s']:.2f} s = {total:.2f} s ({verdict} the {TARGET_SECONDS:.0f} s "
        "target, one core)"
    )
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the whole run: {max_rss:.0f} MB")


if __name__ == "__main__":
    main()
