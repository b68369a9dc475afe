"""The house's floors (issue 14): imports point down only, and rooms stay small.

Floors, bottom to top:
  0 errors and failure messages, protocol table, requirement catalog, grades, registry, the option table
  1 wire formats (sans-I/O)
  2 reference servers, clients and peers
  3 harness (targets, I/O, fault injection, raw tier, the pytest plugin, fixtures for users)
  4 scenarios and their checks
  5 reports
  6 CLI and grading
Every import (module level or inside a function) of a package module is checked against these floors.
"""

from __future__ import annotations

import ast

import pytest
from harness import ROOT

PACKAGES = {"conformance": ROOT / "conformance", "netconformance_fixtures": ROOT / "fixtures",
            "reference_servers": ROOT / "reference_servers"}

FLOOR0 = {"reference_servers.errors", "conformance.errors", "conformance.protocols", "conformance.requirements",
          "conformance.verdicts", "conformance.registry", "conformance.options", "conformance.checks", "conformance"}


def floor(module: str) -> int:
    if module in FLOOR0 or module.startswith("conformance.requirements."):
        return 0
    if module.startswith("reference_servers."):
        return 1 if module.endswith(".wire") or ".wire." in module or module == "reference_servers.clock" else 2
    if module == "reference_servers":
        return 2
    if module.startswith("netconformance_fixtures"):
        return 3
    if module.startswith("conformance.scenarios"):
        return 4
    if module in ("conformance.report", "conformance.reportplugin", "conformance.baseline") or module.startswith("conformance.html"):
        return 5
    return 6  # conformance.cli, runner, grade, __main__


def modules():
    for package, folder in PACKAGES.items():
        for path in sorted(folder.rglob("*.py")):
            rel = path.relative_to(folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            yield ".".join([package, *parts]), path


def imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize("module, path", list(modules()), ids=lambda v: v if isinstance(v, str) else "")
def test_no_import_points_up(module, path):
    own = floor(module)
    up = sorted({m for m in imports(path) if m.split(".")[0] in PACKAGES and floor(m) > own})
    assert not up, f"{module} (floor {own}) imports from higher floors: {[(m, floor(m)) for m in up]}"


#: no module may be longer than this (issue 14: one job per room; split a larger one by job)
LIMIT = 400


def test_rooms_stay_small():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for _, p in modules()}
    over = {f: n for f, n in sizes.items() if n > LIMIT}
    assert not over, f"modules over {LIMIT} lines (split them by job): {over}"
