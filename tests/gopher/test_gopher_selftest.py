"""Self-tests of the gopher scenarios: the references pass every one, and each broken implementation in
``tests/broken/gopher_*.py`` fails the scenarios it exists for (launched through ``cmd:`` exactly as a
user's program would be).

Each broken program runs only the scenarios it is meant to fail (``-k``), so the whole file stays fast;
what else each program breaks was observed by hand and is listed in ``docs/verdicts-gopher.md``.
"""

from __future__ import annotations

import pytest
from harness import BROKEN, run_scenarios, selector

FILES = ["test_gopher_server.py", "test_gopher_client.py"]
SERVER_ARGS = "--port {port} --root {root}"
CLIENT_ARGS = "--timeout {timeout} {url}"

#: broken server program -> the scenarios it must fail
SERVERS: dict[str, set[str]] = {
    "gopher_no_lastline.py": {"gopher-server-menu-lastline", "gopher-server-text-item"},
    "gopher_no_stuffing.py": {"gopher-server-text-item-dot-stuffing"},
    "gopher_spaces.py": {"gopher-server-menu-syntax"},
    "gopher_raw_names.py": {"gopher-server-menu-odd-names"},
    "gopher_lf_endings.py": {"gopher-server-menu-syntax", "gopher-server-text-crlf"},
    "gopher_wrong_port.py": {"gopher-server-menu-items-reachable"},
    "gopher_traversal.py": {"gopher-server-traversal"},
    "gopher_binary_as_text.py": {"gopher-server-binary-item-exact"},
    "gopher_wrong_types.py": {"gopher-server-item-types"},
    "gopher_silent_error.py": {"gopher-server-error-item"},
    "gopher_tab_selector.py": {"gopher-server-selector-tab-suffix", "gopher-server-search-menu"},
    "gopher_no_empty_selector.py": {"gopher-server-empty-selector-root-menu"},
    "gopher_search_silent.py": {"gopher-server-search-no-hits"},
    "gopher_long_display.py": {"gopher-server-menu-display-length"},
    "gopher_short_buffer.py": {"gopher-server-long-selector"},
    "gopher_no_url_links.py": {"gopher-server-url-selector"},
    "gopher_one_recv.py": {"gopher-server-selector-trickled", "gopher-server-selector-split",
                           "gopher-server-selector-with-surplus"},
    "gopher_blocking.py": {"gopher-server-idle-client-does-not-block", "gopher-server-request-timeout",
                           "gopher-server-oversize-request"},
    "gopher_banner.py": {"gopher-server-no-banner"},
    "gopher_crlf_only.py": {"gopher-server-request-bare-lf"},
    "gopher_keep_open.py": {"gopher-server-close-after-response"},
    "gopher_half_close_abort.py": {"gopher-server-half-close-after-request"},
    "gopher_fragile.py": {"gopher-server-survives-resets", "gopher-server-selector-with-nul",
                          "gopher-server-selector-with-cr"},
    "gopher_single_send.py": {"gopher-server-large-binary"},
    "gopher_no_drain.py": {"gopher-server-unread-input"},
}

#: broken client program -> the scenarios it must fail
CLIENTS: dict[str, set[str]] = {
    "gopher_client_binary_dot.py": {"gopher-client-binary-with-lastline-inside", "gopher-client-image-item",
                                    "gopher-client-html-item"},
    "gopher_client_one_recv.py": {"gopher-client-fragmented-text", "gopher-client-split-at-boundaries",
                                  "gopher-client-large-binary", "gopher-client-paused-server"},
    "gopher_client_waits_close.py": {"gopher-client-lastline-then-held-open"},
    "gopher_client_no_timeout.py": {"gopher-client-stalled-server", "gopher-client-stall-mid-item",
                                    "gopher-client-never-accepted"},
    "gopher_client_strict_lastline.py": {"gopher-client-text-without-lastline"},
    "gopher_client_keeps_stuffing.py": {"gopher-client-text-dot-unstuffing"},
    "gopher_client_dot_stop.py": {"gopher-client-text-dot-lines"},
    "gopher_client_quotes_selector.py": {"gopher-client-selector-opaque", "gopher-client-search-request"},
    "gopher_client_ignores_errors.py": {"gopher-client-error-item", "gopher-client-empty-response",
                                        "gopher-client-refused"},
    "gopher_client_strict_menu.py": {"gopher-client-menu-sparse-info", "gopher-client-menu-gopher-plus-fields",
                                     "gopher-client-menu-lf-only", "gopher-client-menu-unknown-types",
                                     "gopher-client-menu-high-octets"},
    "gopher_client_gopher_plus.py": {"gopher-client-no-gopher-plus-suffix"},
    "gopher_client_fetch_anything.py": {"gopher-client-telnet-item", "gopher-client-url-link"},
    "gopher_client_waits_greeting.py": {"gopher-client-request-without-greeting"},
    "gopher_client_reset_ok.py": {"gopher-client-reset-mid-binary"},
    "gopher_client_default_port.py": {"gopher-client-item-at-advertised-port", "gopher-client-menu"},
}


#: the grade each intended scenario's failure must have when it is not ``fail``: the requirement its evidence
#: shows broken is a SHOULD or de-facto one (``warning``) or a MAY (``info``); every other intended failure
#: breaks a MUST and must be graded ``fail``
NOT_FAIL_GRADE: dict[str, str] = {
    **dict.fromkeys([
        "gopher-server-text-crlf", "gopher-server-error-item", "gopher-server-search-no-hits",
        "gopher-server-menu-display-length", "gopher-server-long-selector", "gopher-server-url-selector",
        "gopher-server-selector-with-surplus", "gopher-server-request-bare-lf", "gopher-server-oversize-request",
        "gopher-server-request-timeout", "gopher-server-idle-client-does-not-block",
        "gopher-server-half-close-after-request", "gopher-server-selector-with-nul", "gopher-server-traversal",
        "gopher-server-unread-input",
        "gopher-client-lastline-then-held-open", "gopher-client-stalled-server", "gopher-client-stall-mid-item",
        "gopher-client-never-accepted", "gopher-client-refused", "gopher-client-text-without-lastline",
        "gopher-client-text-dot-unstuffing", "gopher-client-error-item", "gopher-client-empty-response",
        "gopher-client-menu-sparse-info", "gopher-client-menu-gopher-plus-fields", "gopher-client-menu-lf-only",
        "gopher-client-menu-unknown-types", "gopher-client-menu-high-octets", "gopher-client-no-gopher-plus-suffix",
        "gopher-client-url-link", "gopher-client-reset-mid-binary", "gopher-client-image-item",
        "gopher-client-html-item", "gopher-client-paused-server"], "warning"),
    "gopher-client-telnet-item": "info",
}


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


def _check_broken(role: str, program: str, intended: set[str]) -> None:
    args = SERVER_ARGS if role == "server" else CLIENT_ARGS
    spec = f"gopher=name={program[:-3]},cmd:{{python}} {BROKEN / program} {args}"
    args = [f"--{role}", spec, "--client-timeout", "5", *selector(intended)]
    report = run_scenarios(args, files=[f"test_gopher_{role}.py"])
    seen, details = _outcomes(report)
    if any("error" in o for o in seen.values()):
        # a launched program binds the {port} the suite chose: on a busy machine another process can take
        # that port first (a harness error, not a verdict); one more run settles it
        report = run_scenarios(args, files=[f"test_gopher_{role}.py"])
        seen, details = _outcomes(report)
    failed = {s for s, o in seen.items() if "failed" in o}
    errors = {s for s, o in seen.items() if "error" in o}
    assert intended <= failed, f"{program}: did not fail {sorted(intended - failed)}\n{details}"
    assert not errors, f"{program}: harness errors in {sorted(errors)}\n{details}"
    grades = {r["scenario"]: r["grade"] for r in report["results"] if r["outcome"] == "failed" and r["scenario"] in intended}
    want = {sid: NOT_FAIL_GRADE.get(sid, "fail") for sid in intended}
    assert grades == want, f"{program}: graded {grades}, expected {want}\n{details}"


@pytest.mark.parametrize("program", list(SERVERS))
def test_broken_server_fails_its_scenarios(program):
    _check_broken("server", program, SERVERS[program])


@pytest.mark.parametrize("program", list(CLIENTS))
def test_broken_client_fails_its_scenarios(program):
    _check_broken("client", program, CLIENTS[program])


def test_every_gopher_scenario_is_failed_by_some_broken_program():
    from conformance.registry import load_all

    catalog = {s.id for s in load_all().values() if s.protocol == "gopher" and s.category != "raw-packets"}
    intended = set().union(*SERVERS.values(), *CLIENTS.values())
    assert sorted(catalog - intended) == []
    assert sorted(intended - catalog) == []


def test_every_broken_gopher_program_is_exercised():
    programs = {p.name for p in BROKEN.glob("gopher_*.py")}
    assert programs == set(SERVERS) | set(CLIENTS)


def test_gopher_requirements_have_scenarios():
    """Every GOPHER requirement is enforced by a scenario, except the ones listed with their reason."""
    from conformance.registry import load_all
    from conformance.requirements import REQUIREMENTS

    not_covered = {"GOPHER-SEARCH-4": "MAY; the reference search has no boolean operators to check against"}
    covered = {r for s in load_all().values() for r in s.requirements}
    wanted = {rid for rid, r in REQUIREMENTS.items() if rid.startswith("GOPHER-") and r.strength != "retired"}
    assert sorted(wanted - covered - set(not_covered)) == []
