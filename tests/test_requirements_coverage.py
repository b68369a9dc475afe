"""Every MUST, derived, SHOULD and de-facto requirement of the NET, ECHO, DAYTIME and TIME sections is
enforced by at least one scenario; the exceptions are listed here with their reason."""

from conformance.registry import load_all
from conformance.requirements import REQUIREMENTS

SECTIONS = ("NET-", "ECHO-", "DAYTIME-", "TIME-")
NOT_COVERED: dict[str, str] = {}  # id -> why no scenario enforces it


def test_every_requirement_of_the_foundation_sections_has_a_scenario():
    covered = {r for s in load_all().values() for r in s.requirements}
    wanted = {rid for rid, r in REQUIREMENTS.items() if rid.startswith(SECTIONS) and r.strength != "retired"}
    missing = sorted(wanted - covered - set(NOT_COVERED))
    assert not missing, f"requirements without a scenario: {missing}"


def test_scenarios_name_only_known_requirements_and_categories():
    for s in load_all().values():
        assert s.requirements and all(r in REQUIREMENTS for r in s.requirements), s.id
        assert s.title and not s.title[0].islower(), f"{s.id}: docstring title missing"


def test_scenario_roles_match_their_requirements_roles():
    for s in load_all().values():
        roles = {REQUIREMENTS[r].role for r in s.requirements}
        assert s.role in roles or "both" in roles, f"{s.id} ({s.role}) enforces only {roles} requirements"
