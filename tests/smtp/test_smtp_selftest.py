"""Self-tests of the SMTP scenarios: the references pass every one, and each deliberately broken
implementation in ``tests/broken`` fails the scenario(s) meant to catch it.

Broken programs are launched through ``cmd:`` exactly as a user's would be; each bug runs only its
intended scenarios (``-k``), so the whole file costs about a minute on two workers.  Every scenario is
failed by at least one bug, except the few listed in ``NOT_FAILABLE`` with the reason.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest
from harness import BROKEN, describe, run_scenarios, selector

from conformance.registry import load_all


def _bugs(program: str) -> dict[str, tuple[str, str]]:
    spec = importlib.util.spec_from_file_location(f"_broken_{program}", BROKEN / f"{program}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BUGS


SERVER_BUGS = _bugs("smtp_server")
CLIENT_BUGS = _bugs("smtp_client")
SERVER_ARGS = "--port {port} --maildir {maildir} --idle-timeout {timeout}"
CLIENT_ARGS = "--host {host} --port {port} --from={from} --to={to} --timeout {timeout}"

#: scenarios a bug breaks besides the one named in its program's BUGS table (all are checked)
EXTRA = {
    "partial-line-is-command": {"smtp-server-trickled-session", "smtp-server-split-inside-crlf"},
    "one-session-at-a-time": {"smtp-server-interleaved-sessions"},
    "errors-are-success": {"smtp-client-refused", "smtp-client-reset-mid-session"},
    "no-timeout": {"smtp-client-stalled-greeting"},
    "quit-close-no-221": {"smtp-server-junk-after-quit"},
}
#: bug (or single program) -> {scenario: the one requirement its failure must name} (a SHOULD break graded as a
#: SHOULD there too, a MUST break not hidden behind a weaker finding)
EXTRA_GRADED = {
    "one-session-at-a-time": {"smtp-server-interleaved-sessions": "SMTP-CONN-5"},
    # with junk after QUIT the client has left the protocol: a warning there, the MUST is smtp-server-quit's
    "quit-close-no-221": {"smtp-server-junk-after-quit": "NET-TCP-9"},
    # DATA after every RCPT was refused is anticipated by RFC 5321 3.3 (SMTP-CLIENT-3, de-facto); what follows a
    # 554 to it is not: the content without a 354 is the MUST, named alone
    "data-anyway": {"smtp-client-no-data-without-recipients": "SMTP-CLIENT-3"},
    "smtp_client_data_after_refused.py": {"smtp-client-no-data-without-recipients": "SMTP-SEQ-9"},
    # no NOOP to probe the session with: the 502 to an unknown command is still reported (was not-applicable)
    "smtp_server_no_noop.py": {"smtp-server-unknown-command": "SMTP-CMD-11"},
    # a hang while MAIL is never answered is an unbounded wait; SMTP-TIMEOUT-1's MUST cannot be proven in seconds
    "no-timeout": {"smtp-client-stalled-mail": "NET-TCP-8", "smtp-client-stalled-greeting": "NET-TCP-8"},
}
#: (program, intended scenarios) for the single-bug programs the issue names
SINGLE = {
    "smtp_server_data_without_rcpt.py": ("server", {"smtp-server-seq-data-needs-recipients"}),
    "smtp_server_no_unstuff.py": ("server", {"smtp-server-data-dot-unstuffing"}),
    "smtp_server_bare_lf_eod.py": ("server", {"smtp-server-no-smuggling"}),
    "smtp_server_one_command_per_read.py": ("server", {"smtp-server-commands-one-segment", "smtp-server-pipelining",
                                                       "smtp-server-data-then-quit-one-segment"}),
    "smtp_client_one_recv_reply.py": ("client", {"smtp-client-multiline-greeting-split"}),
    "smtp_client_no_stuffing.py": ("client", {"smtp-client-dot-stuffing"}),
    "smtp_client_data_after_refused.py": ("client", {"smtp-client-no-data-without-recipients"}),
    "smtp_server_no_noop.py": ("server", {"smtp-server-minimum-commands", "smtp-server-unknown-command"}),
}
#: scenarios no broken program can fail, and why
NOT_FAILABLE = {
    "smtp-server-storage-failure": "needs the reference's fault injection (fail_delivery), which a command lacks",
}


def _scenarios() -> dict[str, object]:
    """The scenarios of the two SMTP modules (raw-packet scenarios elsewhere have their own self-tests)."""
    return {s.id: s for s in load_all().values() if s.protocol == "smtp" and s.category != "raw-packets"}


def _run(role: str, spec: str, intended: set[str]) -> dict:
    return run_scenarios([f"--{role}", spec, "--protocol", "smtp", "--client-timeout", "6", *selector(intended)],
                         files=[f"test_smtp_{role}.py"], timeout=600)


@pytest.mark.parametrize("role", ["server", "client"])
def test_reference_passes_every_scenario(role):
    report = run_scenarios(["--protocol", "smtp"], files=[f"test_smtp_{role}.py"], timeout=600)
    outcomes = {r["outcome"] for r in report["results"]}
    assert report["results"] and outcomes <= {"passed"}, describe(report, ("failed", "error", "skipped", "not-applicable"))


CASES = [("server", "smtp_server.py", bug, {scen, *EXTRA.get(bug, ())}) for bug, (_, scen) in SERVER_BUGS.items() if scen]
CASES += [("client", "smtp_client.py", bug, {scen, *EXTRA.get(bug, ())}) for bug, (_, scen) in CLIENT_BUGS.items() if scen]
CASES += [(role, program, "", intended) for program, (role, intended) in SINGLE.items()]


@pytest.mark.parametrize("role,program,bug,intended", CASES, ids=[f"{c[1]}:{c[2] or 'single'}" for c in CASES])
def test_broken_fails_intended(role, program, bug, intended):
    args = SERVER_ARGS if role == "server" else CLIENT_ARGS
    if bug == "one-session-at-a-time":  # with a short idle timeout the first session ends in time
        args = args.replace(" --idle-timeout {timeout}", "")
    spec = f"smtp=name=broken,cmd:{{python}} -I -S {BROKEN / program} {args}" + (f" --bug {bug}" if bug else "")
    report = _run(role, spec, intended)
    failed = {r["scenario"] for r in report["results"] if r["outcome"] == "failed"}
    errors = {r["scenario"] for r in report["results"] if r["outcome"] == "error"}
    assert intended <= failed and not (errors & intended), (
        f"{program} {bug}: expected {sorted(intended)} to fail; failed {sorted(failed)}; errors {sorted(errors)}\n"
        + describe(report))
    if bug:  # graded by the requirement the bug breaks, not merely failed
        requirement, scen = (SERVER_BUGS if role == "server" else CLIENT_BUGS)[bug]
        graded = {rid for r in report["results"] if r["scenario"] == scen for rid in r["failed_requirements"]}
        assert requirement in graded, f"{program} {bug}: {scen} failed {sorted(graded)}, not {requirement}\n" + describe(report)
    for scen, requirement in EXTRA_GRADED.get(bug or program, {}).items():
        named = [r["failed_requirements"] for r in report["results"] if r["scenario"] == scen and r["outcome"] == "failed"]
        assert named and all(n == [requirement] for n in named), f"{program} {bug}: {scen} failed on {named}, not [{requirement}]"


def test_none_bug_is_the_reference():
    """``--bug none`` passes the scenarios its bugs are meant to fail (the bugs, not the scaffolding, fail them)."""
    picks = {"smtp-server-transaction", "smtp-server-seq-buffers-cleared", "smtp-server-idle-timeout"}
    report = _run("server", f"smtp=name=none,cmd:{{python}} -I -S {BROKEN / 'smtp_server.py'} {SERVER_ARGS} --bug none", picks)
    assert {r["outcome"] for r in report["results"]} == {"passed"}, describe(report)
    picks = {"smtp-client-basic", "smtp-client-dot-stuffing", "smtp-client-multiline-greeting-split"}
    report = _run("client", f"smtp=name=none,cmd:{{python}} -I -S {BROKEN / 'smtp_client.py'} {CLIENT_ARGS} --bug none", picks)
    assert {r["outcome"] for r in report["results"]} == {"passed"}, describe(report)


def test_every_scenario_is_failed_by_some_broken_program():
    covered = {s for *_, intended in CASES for s in intended}
    missing = set(_scenarios()) - covered - set(NOT_FAILABLE)
    assert not missing, f"scenarios no broken program is meant to fail: {sorted(missing)}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-n", "2"]))
