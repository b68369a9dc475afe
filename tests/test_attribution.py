"""Attribution (issue 10): a failure is graded by what its evidence shows broken.  Statically, no
``check()``/``fail()`` call in the scenarios, nor a client helper's (``verdict``, ``expect_*``, each of their
kinds of evidence), names requirement ids of different grades in one breath (a
SHOULD riding with a MUST would be graded as the MUST); every MUST-level row a scenario can fail quotes
the RFC sentence behind it."""

from __future__ import annotations

import ast

import pytest
from harness import ROOT

from conformance.registry import load_all
from conformance.requirements import REQUIREMENTS
from conformance.verdicts import grade_of_strength

SCENARIO_FILES = sorted((ROOT / "conformance" / "scenarios").glob("*.py"))


def _literal_ids(node: ast.AST) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                                                       for e in node.elts):
        return [e.value for e in node.elts]
    return None


#: the calls that name requirement ids for a failure: name -> position of the ids (``verdict``, ``expect_*``:
#: the SMTP client peer's and the client helpers'; ``hang_reqs``/``success_reqs``: each kind of evidence's own)
ID_ARGS = {"check": 1, "fail": 0, "verdict": 1, "expect_failure": 2, "expect_ok": 2, "expect_error": 1}
ID_KEYWORDS = ("hang_reqs", "success_reqs")


def _calls(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        index = ID_ARGS.get(name)
        if index is None:
            continue
        given = [node.args[index]] if len(node.args) > index else []
        given += [k.value for k in node.keywords if k.arg in ID_KEYWORDS]
        for arg in given:
            ids = _literal_ids(arg)
            if ids and all(i in REQUIREMENTS for i in ids):
                yield node.lineno, ids


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_no_check_mixes_grades(path):
    mixed = [f"{path.name}:{line}: {ids} -> {[grade_of_strength(REQUIREMENTS[i].strength) for i in ids]}"
             for line, ids in _calls(path) if len({grade_of_strength(REQUIREMENTS[i].strength) for i in ids}) > 1]
    assert not mixed, "split these checks so each names ids of one grade:\n" + "\n".join(mixed)


def test_every_mandatory_row_a_scenario_checks_quotes_its_rfc():
    used = {r for s in load_all().values() for r in s.requirements}
    missing = sorted(r.id for r in REQUIREMENTS.values()
                     if r.id in used and grade_of_strength(r.strength) == "fail" and not r.source.strip())
    assert not missing, f"MUST-level rows without the RFC sentence in `source`: {missing}"
