"""Verdict grades: how much a failed scenario counts, decided by the strength of the requirement it broke.

================  ==========================================================  =================
grade             requirement strength (its leading keyword)                  exit status
================  ==========================================================  =================
``fail``          ``MUST``, ``MUST NOT``, ``MUST (def)``, ``derived``          1
``warning``       ``SHOULD``, ``SHOULD NOT``, ``de-facto``                     0 (1 with strict)
``info``          ``MAY``, ``de-facto MAY``, ``note`` (informational)          0, always
================  ==========================================================  =================

A failure is graded by the requirement ids it names (:attr:`ScenarioFailure.requirements`), or, when it
names none (a connection broken mid-scenario), by the scenario's own requirements; when it names several,
the strongest decides.  An unknown strength counts as ``fail`` (the safe side).
"""

from __future__ import annotations

from collections.abc import Iterable

from conformance.requirements import REQUIREMENTS

GRADES = ("fail", "warning", "info")
_RANK = {"fail": 0, "warning": 1, "info": 2}


def grade_of_strength(strength: str) -> str:
    """``"fail"``, ``"warning"`` or ``"info"`` for a requirement strength such as ``"SHOULD (503)"``."""
    s = strength.strip().lower()
    if s.startswith("must") or s == "derived":
        return "fail"
    if s.startswith("should"):
        return "warning"
    if s.startswith("de-facto"):
        return "info" if "may" in s.split() else "warning"
    if s.startswith("may") or s in ("note", "informational", "info"):
        return "info"
    return "fail"


def known_strength(strength: str) -> bool:
    """True when :func:`grade_of_strength` decides by a rule rather than by its safe default."""
    s = strength.strip().lower()
    return s.startswith(("must", "should", "de-facto", "may")) or s in ("derived", "note", "informational", "info")


def grade_of(requirement_ids: Iterable[str]) -> str:
    """The grade of a failure tied to ``requirement_ids``: the strongest of theirs (unknown ids count as fail)."""
    grades = [grade_of_strength(REQUIREMENTS[r].strength) if r in REQUIREMENTS else "fail" for r in requirement_ids]
    return min(grades, key=_RANK.__getitem__) if grades else "fail"


def fails_run(grade: str | None, strict: bool) -> bool:
    """Whether a failed result of this grade makes the run fail (exit status 1)."""
    return grade == "fail" or (strict and grade == "warning")
