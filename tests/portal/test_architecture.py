"""The import contracts in pyproject.toml cover every module, so a new one cannot slip past them."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "contracts"
]
WIRING = {"portal", "portal.app", "portal.demo", "portal.models"}
AREAS = ("agencies", "panels", "extracts", "insight", "home")


def contract(name_starts: str) -> dict[str, list[str]]:
    return next(c for c in CONTRACTS if c["name"].startswith(name_starts))


def modules(package: str) -> set[str]:
    found = set()
    for path in (ROOT / package.replace(".", "/")).rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def covered(module: str, listed: list[str]) -> bool:
    return any(module == item or module.startswith(item + ".") for item in listed)


def test_every_module_of_the_core_is_held_to_importing_no_area() -> None:
    core = contract("The core imports no area")["source_modules"]
    assert sorted(m for m in modules("portal") - WIRING if not covered(m, core)) == []


def test_every_module_that_is_not_a_table_is_forbidden_to_the_tables() -> None:
    tables = contract("Tables import only")
    not_tables = {
        module
        for area in AREAS
        for module in modules(area)
        if module not in AREAS and not covered(module, tables["source_modules"])
    }
    assert sorted(m for m in not_tables if not covered(m, tables["forbidden_modules"])) == []


def test_no_contract_lists_an_exception() -> None:
    assert [c["name"] for c in CONTRACTS if c.get("ignore_imports")] == []
