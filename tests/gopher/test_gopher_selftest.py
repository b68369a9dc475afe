"""Self-tests of the gopher scenarios: the references pass every one, and every bug of the broken
implementations ``tests/broken/gopher_server.py`` and ``tests/broken/gopher_client.py`` fails exactly the
scenarios its program's ``BUGS`` table names, each with the grade the table gives (launched through ``cmd:``
exactly as a user's program would be, ``--bug NAME``).

Each bug is its own test item and runs only its own scenarios (selected by node id), so the whole file stays
fast and pytest-xdist can spread the bugs; what else each bug breaks was observed by hand and is listed in
``docs/verdicts-gopher.md``.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest
from harness import BROKEN, run_scenarios

FILES = ["test_gopher_server.py", "test_gopher_client.py"]
ARGS = {"server": "--port {port} --root {root}", "client": "--timeout {timeout} {url}"}


def _program(role: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_broken_gopher_{role}", BROKEN / f"gopher_{role}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PROGRAMS = {role: _program(role) for role in ARGS}
CASES = [(role, bug) for role, program in PROGRAMS.items() for bug in program.BUGS]
#: client bugs that wait until the suite kills them (the scenarios grade the hang): a short client timeout
#: (seconds) ends each such run sooner; every other run gets 5 s
HANGS = {"no-timeout": 2.0, "waits-close": 2.0}
#: bugs whose run takes half a minute or more (every request of the server waits for the one before)
LONG = {"blocking"}


def _outcomes(report: dict) -> tuple[dict[str, set[str]], str]:
    seen: dict[str, set[str]] = {}
    for r in report["results"]:
        seen.setdefault(r["scenario"], set()).add(r["outcome"])
    details = "\n".join(f"{r['outcome']} {r['scenario']}: {r['message'][:300]}" for r in report["results"]
                        if r["outcome"] in ("failed", "error"))
    return seen, details


def test_references_pass_every_gopher_scenario():
    report = run_scenarios(["--client-timeout", "6"], files=FILES)
    seen, details = _outcomes(report)
    assert len(seen) >= 60, sorted(seen)
    assert all(o == {"passed"} for o in seen.values()), details


def test_standalone_reference_server_passes_through_cmd():
    spec = "gopher=name=standalone,cmd:{python} -m reference_servers.gopher --port {port} --root {root}"
    report = run_scenarios(["--server", spec], files=["test_gopher_server.py"])
    seen, details = _outcomes(report)
    assert len(seen) >= 30 and all(o == {"passed"} for o in seen.values()), details


def _node_ids(role: str, intended: set[str]) -> list[str]:
    """``test_gopher_<role>.py::<function>`` for each scenario: exactly these (``-k`` matches substrings)."""
    from conformance.registry import load_all

    registry = load_all()
    return sorted({f"test_gopher_{role}.py::{registry[sid].function.rsplit('.', 1)[1]}" for sid in intended})


@pytest.mark.parametrize("role,bug", [pytest.param(r, b, marks=[pytest.mark.long] if b in LONG else []) for r, b in CASES],
                         ids=[f"{role}:{bug}" for role, bug in CASES])
def test_broken_fails_its_scenarios(role, bug):
    want = PROGRAMS[role].BUGS[bug].fails
    spec = f"gopher=name=broken-{bug},cmd:{{python}} -I -S {BROKEN / f'gopher_{role}.py'} {ARGS[role]} --bug {bug}"
    args = [f"--{role}", spec, "--client-timeout", str(HANGS.get(bug, 5.0))]
    report = run_scenarios(args, files=_node_ids(role, set(want)))
    seen, details = _outcomes(report)
    if any("error" in o for o in seen.values()):
        # a launched program binds the {port} the suite chose: on a busy machine another process can take
        # that port first (a harness error, not a verdict); one more run settles it
        report = run_scenarios(args, files=_node_ids(role, set(want)))
        seen, details = _outcomes(report)
    failed = {s for s, o in seen.items() if "failed" in o}
    errors = {s for s, o in seen.items() if "error" in o}
    assert failed == set(want), f"{bug}: failed {sorted(failed)}, expected {sorted(want)}\n{details}"
    assert not errors, f"{bug}: harness errors in {sorted(errors)}\n{details}"
    grades = {r["scenario"]: r["grade"] for r in report["results"] if r["outcome"] == "failed"}
    assert grades == want, f"{bug}: graded {grades}, expected {want}\n{details}"


def test_bug_tables_match_the_code():
    """Every bug in a table has its code, and every bug in the code is in the table (so it is exercised)."""
    server, client = PROGRAMS["server"], PROGRAMS["client"]
    assert set(server.BUGS) == set(server.CONTENT) | set(server.SESSIONS)
    assert not set(server.CONTENT) & set(server.SESSIONS) and server.SERIAL <= set(server.SESSIONS)
    assert set(client.BUGS) == set(client.FETCH)
    assert set(HANGS) <= set(client.BUGS)


def test_every_gopher_scenario_is_failed_by_some_broken_program():
    from conformance.registry import load_all

    catalog = {s.id for s in load_all().values() if s.protocol == "gopher" and s.category != "raw-packets"}
    intended = {sid for program in PROGRAMS.values() for bug in program.BUGS.values() for sid in bug.fails}
    assert sorted(catalog - intended) == []
    assert sorted(intended - catalog) == []


def test_the_broken_gopher_programs_are_these_two():
    assert {p.name for p in BROKEN.glob("gopher_*.py")} == {"gopher_server.py", "gopher_client.py"}


def test_gopher_requirements_have_scenarios():
    """Every GOPHER requirement is enforced by a scenario, except the ones listed with their reason."""
    from conformance.registry import load_all
    from conformance.requirements import REQUIREMENTS

    not_covered = {"GOPHER-SEARCH-4": "MAY; the reference search has no boolean operators to check against"}
    covered = {r for s in load_all().values() for r in s.requirements}
    wanted = {rid for rid, r in REQUIREMENTS.items() if rid.startswith("GOPHER-") and r.strength != "retired"}
    assert sorted(wanted - covered - set(not_covered)) == []


_EMPTY_SELECTOR_SEARCH = '''
import socket, sys
srv = socket.create_server(("127.0.0.1", int(sys.argv[1])))
while True:
    conn, _ = srv.accept()
    with conn:
        conn.settimeout(5)
        line = b""
        while not line.endswith(b"\\r\\n"):
            chunk = conn.recv(1024)
            if not chunk:
                break
            line += chunk
        if line == b"\\r\\n":  # the root menu: a search item whose selector is empty (RFC 1436 3.7 allows it)
            conn.sendall(b"7Search the root\\t\\t127.0.0.1\\t" + sys.argv[1].encode() + b"\\r\\n.\\r\\n")
        else:
            conn.sendall(b".\\r\\n")
'''


def test_a_search_item_with_an_empty_selector_is_not_applicable_not_a_failure(tmp_path):
    """RFC 1436 3.7 allows it (the client then sends only the words); the search scenario cannot probe it
    apart from a selector, so it says so (GOPHER-SEARCH-3) instead of failing the server."""
    program = tmp_path / "empty_selector_search.py"
    program.write_text(_EMPTY_SELECTOR_SEARCH)
    spec = f"gopher=name=empty-search,cmd:{{python}} -I -S {program} {{port}}"
    report = run_scenarios(["--server", spec], files=_node_ids("server", {"gopher-server-search-menu"}))
    (result,) = [r for r in report["results"] if r["scenario"] == "gopher-server-search-menu"]
    assert result["outcome"] == "not-applicable", result
    assert "empty selector" in result["message"] and "GOPHER-SEARCH-3" in result["message"], result
