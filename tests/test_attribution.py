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


#: the calls that name requirement ids for a failure: name -> position of the ids, None where they are
#: keywords only (``verdict``, ``expect_*``: the SMTP client peer's and the client helpers')
ID_ARGS = {"check": 1, "fail": 0, "verdict": 1, "expect_failure": 2, "expect_ok": 2, "expect_error": 1,
           "expect_success": 1, "expect_genuine_reply": None}
#: each kind of evidence's own ids: a hang, a claimed success (expect_error, expect_failure), a reported
#: error (expect_success), a stray datagram shown, the genuine one refused, a wrong one (expect_genuine_reply)
ID_KEYWORDS = ("hang_reqs", "success_reqs", "error_reqs", "lie_reqs", "reject_reqs", "wrong_reqs")


def _call_names(path):
    """(name called, ast.Call) for every call in ``path``: ``f(...)`` and ``x.f(...)`` alike."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            yield (node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")), node


def _calls(path):
    """(line, keyword or None, ids) for every literal list of ids a failure call names."""
    for name, node in _call_names(path):
        if name not in ID_ARGS:
            continue
        index = ID_ARGS[name]
        given = [(None, node.args[index])] if index is not None and len(node.args) > index else []
        given += [(k.arg, k.value) for k in node.keywords if k.arg in ID_KEYWORDS]
        for keyword, arg in given:
            ids = _literal_ids(arg)
            if ids and all(i in REQUIREMENTS for i in ids):
                yield node.lineno, keyword, ids


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.name)
def test_no_check_mixes_grades(path):
    mixed = [f"{path.name}:{line}: {ids} -> {[grade_of_strength(REQUIREMENTS[i].strength) for i in ids]}"
             for line, _, ids in _calls(path) if len({grade_of_strength(REQUIREMENTS[i].strength) for i in ids}) > 1]
    assert not mixed, "split these checks so each names ids of one grade:\n" + "\n".join(mixed)


def test_the_scan_sees_every_kind_of_evidence():
    """Each keyword of ``ID_KEYWORDS`` is used by some scenario and read by the scan above (a renamed keyword
    would otherwise leave its ids unchecked), and so is each positional helper."""
    seen = {keyword for path in SCENARIO_FILES for _, keyword, _ in _calls(path)}
    assert set(ID_KEYWORDS) <= seen, sorted(set(ID_KEYWORDS) - seen)
    names = {name for path in SCENARIO_FILES for name, _ in _call_names(path)}
    assert set(ID_ARGS) <= names, sorted(set(ID_ARGS) - names)


def test_every_mandatory_row_a_scenario_checks_quotes_its_rfc():
    used = {r for s in load_all().values() for r in s.requirements}
    missing = sorted(r.id for r in REQUIREMENTS.values()
                     if r.id in used and grade_of_strength(r.strength) == "fail" and not r.source.strip())
    assert not missing, f"MUST-level rows without the RFC sentence in `source`: {missing}"
