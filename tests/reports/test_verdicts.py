"""Verdict grades: a requirement's strength decides whether its failure fails the run."""

from __future__ import annotations

import pytest

from conformance import report, verdicts
from conformance.requirements import REQUIREMENTS


@pytest.mark.parametrize("strength,grade", [
    ("MUST", "fail"), ("MUST NOT", "fail"), ("MUST (def)", "fail"), ("derived", "fail"), ("MUST / SHOULD", "fail"),
    ("SHOULD", "warning"), ("SHOULD NOT", "warning"), ("SHOULD (503)", "warning"), ("de-facto", "warning"),
    ("MAY", "info"), ("de-facto MAY", "info"), ("note", "info"),
    ("something new", "fail"),
])
def test_grade_of_strength(strength, grade):
    assert verdicts.grade_of_strength(strength) == grade


def test_every_catalog_strength_is_graded_by_a_rule():
    """No requirement in force falls to the safe default: a new strength spelling gets a rule.  (Retired
    requirements, ``strength="retired"``, are no longer checked: their grade never matters.)"""
    unknown = sorted({r.strength for r in REQUIREMENTS.values()
                      if r.strength != "retired" and not verdicts.known_strength(r.strength)})
    assert unknown == []


def test_mandatory_requirements_are_graded_fail():
    wrong = [r.id for r in REQUIREMENTS.values() if r.mandatory and verdicts.grade_of_strength(r.strength) != "fail"]
    assert wrong == []


def test_the_strongest_failed_requirement_decides():
    must = next(r.id for r in REQUIREMENTS.values() if r.strength == "MUST")
    should = next(r.id for r in REQUIREMENTS.values() if r.strength == "SHOULD")
    may = next(r.id for r in REQUIREMENTS.values() if r.strength == "MAY")
    assert verdicts.grade_of([should, may]) == "warning"
    assert verdicts.grade_of([may, must, should]) == "fail"
    assert verdicts.grade_of([may]) == "info"
    assert verdicts.grade_of(["NO-SUCH-1"]) == "fail"


def _result(outcome: str, grade: str | None) -> dict:
    return {"outcome": outcome, "grade": grade}


@pytest.mark.parametrize("results,strict,status", [
    ([_result("passed", None)], False, 0),
    ([_result("failed", "warning"), _result("failed", "info")], False, 0),
    ([_result("failed", "warning")], True, 1),
    ([_result("failed", "info")], True, 0),
    ([_result("failed", "fail")], False, 1),
    ([_result("failed", "fail"), _result("error", None)], False, 2),
])
def test_exit_status_follows_grades(results, strict, status):
    totals = {o: sum(1 for r in results if r["outcome"] == o) for o in report.OUTCOMES}
    assert report.exit_status({"totals": totals, "results": results}, strict=strict) == status


def test_a_failure_names_each_requirement_once():
    """A step graded by the awaited step's ids and the scenario's own (the SMTP probe after a closed
    session: SMTP-QUIT-2 twice) is reported with each id once, in order."""
    from conformance.checks import fail
    from conformance.errors import ScenarioFailure

    with pytest.raises(ScenarioFailure) as info:
        fail(["SMTP-QUIT-2", "SMTP-QUIT-2", "SMTP-CMD-11"], "session unusable after an error")
    assert info.value.requirements == ("SMTP-QUIT-2", "SMTP-CMD-11")
    assert str(info.value).startswith("[SMTP-QUIT-2, SMTP-CMD-11] session unusable")
