"""Deliberately broken echo, daytime and time implementations fail exactly the scenarios meant to catch
them, and pass the others; the same programs without a bug pass everything.

Each program in ``tests/broken/`` is launched through ``cmd:`` exactly as a user's would be, once per bug,
the bugs of a program as named targets of one run (two runs for a program with more than ``SHARE`` bugs).  ``INTENDED`` is the scenario each bug exists for;
``ALSO`` lists the other scenarios the bug legitimately breaks (a banner corrupts every echo, say).  A
failure outside those, or any harness error, fails the self-test.
"""

from __future__ import annotations

import pytest
from harness import BROKEN, run_scenarios

SERVER_ARGS = "--port {port}"
CLIENT_ARGS = "--host {host} --port {port} --transport {transport} --timeout {timeout}"

ECHO_TCP_DATA = {"echo-tcp-half-close", "echo-tcp-large-concurrent", "echo-tcp-paused-reader"}
CASES: dict[tuple[str, str, str], dict[str, tuple[set[str], set[str]]]] = {
    ("echo", "server", "echo_server.py"): {
        "none": (set(), set()),
        "banner": ({"echo-tcp-no-banner"}, {
            "echo-tcp-binary-transparency", "echo-tcp-concurrent-sessions", "echo-tcp-keeps-echoing",
            "echo-tcp-no-line-buffering", "echo-tcp-several-lines-one-segment", "echo-tcp-trickled",
            "echo-tcp-survives-early-close", "echo-tcp-survives-resets", "echo-tcp-idle-client", *ECHO_TCP_DATA}),
        # every payload holds 0xFF, which no UTF-8 round trip keeps
        "text-mode": ({"echo-tcp-binary-transparency", "echo-tcp-trickled", "echo-tcp-large-concurrent"}, ECHO_TCP_DATA),
        "close-after-first": ({"echo-tcp-keeps-echoing"}, {"echo-tcp-concurrent-sessions", "echo-tcp-trickled", *ECHO_TCP_DATA}),
        "line-buffered": ({"echo-tcp-no-line-buffering"}, {
            "echo-tcp-binary-transparency", "echo-tcp-concurrent-sessions", "echo-tcp-keeps-echoing", *ECHO_TCP_DATA}),
        "first-line-only": ({"echo-tcp-several-lines-one-segment"}, {"echo-tcp-binary-transparency", *ECHO_TCP_DATA}),
        # partial sends are dropped only once the socket buffer is full: certain when the client pauses
        "send-once": ({"echo-tcp-paused-reader"}, {"echo-tcp-large-concurrent", "echo-tcp-half-close"}),
        "ignore-eof": ({"echo-tcp-half-close"}, set()),
        "single-threaded": ({"echo-tcp-concurrent-sessions", "echo-tcp-idle-client"}, set()),
        "cross-talk": ({"echo-tcp-concurrent-sessions"}, set()),
        "crash-on-reset": ({"echo-tcp-survives-resets", "echo-tcp-survives-early-close"}, set()),
        # a client that closes its side (FIN) ends the whole service: NET-TCP-10
        "exit-on-eof": ({"echo-tcp-half-close"}, {"echo-tcp-survives-early-close", "echo-tcp-survives-resets"}),
        "udp-small-buffer": ({"echo-udp-sizes"}, set()),
        "udp-skip-empty": ({"echo-udp-empty"}, set()),
        "udp-other-port": ({"echo-udp-reply-source"}, set()),
        "udp-double-reply": ({"echo-udp-one-reply", "echo-udp-burst"}, {"echo-udp-boundaries", "echo-udp-sizes"}),
        "udp-merge": ({"echo-udp-boundaries"}, {"echo-udp-burst"}),
        "udp-die-on-icmp": ({"echo-udp-survives-icmp"}, set()),
    },
    ("echo", "client", "echo_client.py"): {
        "none": (set(), set()),
        "adds-newline": ({"echo-client-basic", "echo-client-fragmented-echo", "echo-client-large-echo",
                          "echo-client-paused-server", "echo-client-udp-retransmit", "echo-client-udp-forged-reply",
                          "echo-client-udp-empty"}, {"echo-client-udp-stale-duplicate"}),
        "single-recv": ({"echo-client-fragmented-echo"}, {"echo-client-large-echo", "echo-client-paused-server"}),
        "no-timeout": ({"echo-client-stalled-server", "echo-client-never-accepted", "echo-client-short-echo-stall"}, set()),
        "write-then-read": ({"echo-client-large-echo"}, set()),
        "no-compare": ({"echo-client-short-echo", "echo-client-udp-truncated-reply"}, {"echo-client-udp-stale-duplicate"}),
        "errors-are-success": ({"echo-client-refused", "echo-client-reset-mid-echo"}, {
            "echo-client-short-echo", "echo-client-short-echo-stall", "echo-client-stalled-server",
            "echo-client-never-accepted", "echo-client-udp-all-lost", "echo-client-udp-truncated-reply"}),
        # a 0.1 s limit per wait can also trip over a busy peer during the 16 MiB transfer
        "impatient": ({"echo-client-paused-server"}, {"echo-client-large-echo"}),
        "udp-no-retry": ({"echo-client-udp-retransmit"}, set()),
        "udp-any-source": ({"echo-client-udp-forged-reply"}, {"echo-client-udp-stale-duplicate"}),
        "udp-first-reply": ({"echo-client-udp-stale-duplicate"}, set()),
        "udp-empty-is-eof": ({"echo-client-udp-empty"}, set()),
        # waits (forever) for an echo equal to the request, which a truncating proxy never lets through
        "udp-forever": ({"echo-client-udp-all-lost"}, {"echo-client-udp-retransmit", "echo-client-udp-truncated-reply"}),
    },
    ("daytime", "server", "daytime_server.py"): {
        "none": (set(), set()),
        "read-first": ({"daytime-tcp-speaks-first"}, {
            "daytime-tcp-closes", "daytime-tcp-ignores-input", "daytime-tcp-idle-client", "daytime-tcp-survives-resets",
            "daytime-current-time", "daytime-format-one-line", "daytime-format-printable"}),
        "never-close": ({"daytime-tcp-closes"}, {"daytime-tcp-half-close", "daytime-tcp-ignores-input"}),
        "rst-on-input": ({"daytime-tcp-ignores-input"}, set()),
        "echo-input": ({"daytime-tcp-ignores-input"}, set()),
        "nul-terminated": ({"daytime-format-printable"}, {"daytime-format-one-line"}),
        "multi-line": ({"daytime-format-one-line"}, set()),
        "local-no-zone": ({"daytime-current-time"}, set()),
        "eof-is-abort": ({"daytime-tcp-half-close"}, set()),
        "single-threaded": ({"daytime-tcp-idle-client"}, {"daytime-tcp-closes", "daytime-tcp-ignores-input"}),
        "crash-on-reset": ({"daytime-tcp-survives-resets"}, set()),
        "udp-skip-empty": ({"daytime-udp-any-datagram"}, {
            "daytime-udp-survives-icmp", "daytime-udp-single-datagram", "daytime-current-time",
            "daytime-format-one-line", "daytime-format-printable"}),
        "udp-other-port": ({"daytime-udp-single-datagram"}, set()),
        "udp-die-on-icmp": ({"daytime-udp-survives-icmp"}, set()),
    },
    ("daytime", "client", "daytime_client.py"): {
        "none": (set(), set()),
        "strict-format": ({"daytime-client-formats"}, set()),
        "single-recv": ({"daytime-client-split-string", "daytime-client-trickled-string"}, {
            "daytime-client-reset-mid-string", "daytime-client-stall-mid-string"}),
        "needs-crlf": ({"daytime-client-no-line-end"}, set()),
        "no-timeout": ({"daytime-client-stalled-server", "daytime-client-stall-mid-string"}, set()),
        "errors-are-success": ({"daytime-client-refused", "daytime-client-reset-mid-string"}, {
            "daytime-client-stall-mid-string", "daytime-client-stalled-server", "daytime-client-udp-all-lost"}),
        "udp-no-retry": ({"daytime-client-udp-retransmit"}, set()),
        "udp-forever": ({"daytime-client-udp-all-lost"}, {"daytime-client-udp-retransmit"}),
        "udp-any-source": ({"daytime-client-udp-forged-reply"}, set()),
    },
    ("time", "server", "time_server.py"): {
        "none": (set(), set()),
        "little-endian": ({"time-value-now"}, {"time-clock-past-2038", "time-clock-past-2036-wrap"}),
        "unix-epoch": ({"time-value-now"}, {"time-clock-past-2038", "time-clock-past-2036-wrap"}),
        "eight-octets": ({"time-tcp-four-octets-then-close", "time-udp-exactly-four-octets"}, {
            "time-value-now", "time-clock-past-2038", "time-clock-past-2036-wrap", "time-tcp-idle-client",
            "time-tcp-half-close", "time-tcp-survives-resets", "time-tcp-ignores-input", "time-udp-nonempty-request"}),
        "ascii": ({"time-tcp-four-octets-then-close"}, {
            "time-value-now", "time-clock-past-2038", "time-clock-past-2036-wrap", "time-tcp-idle-client",
            "time-tcp-half-close", "time-tcp-survives-resets", "time-tcp-ignores-input", "time-udp-nonempty-request",
            "time-udp-exactly-four-octets"}),
        "read-first": ({"time-tcp-speaks-first"}, {
            "time-value-now", "time-clock-past-2038", "time-clock-past-2036-wrap", "time-tcp-idle-client",
            "time-tcp-survives-resets", "time-tcp-four-octets-then-close"}),
        "never-close": ({"time-tcp-four-octets-then-close"}, {"time-tcp-ignores-input"}),
        "no-wrap": ({"time-clock-past-2036-wrap"}, {"time-clock-past-2038"}),
        "signed": ({"time-clock-past-2038"}, set()),
        "zero-without-clock": ({"time-no-clock"}, set()),
        "rst-on-input": ({"time-tcp-ignores-input"}, set()),
        "eof-is-abort": ({"time-tcp-half-close"}, set()),
        "single-threaded": ({"time-tcp-idle-client"}, {"time-tcp-four-octets-then-close", "time-tcp-ignores-input"}),
        "crash-on-reset": ({"time-tcp-survives-resets"}, set()),
        "udp-skip-empty": ({"time-udp-exactly-four-octets"}, {
            "time-udp-survives-icmp", "time-value-now", "time-clock-past-2038", "time-clock-past-2036-wrap"}),
        "udp-only-empty": ({"time-udp-nonempty-request"}, set()),
        "udp-die-on-icmp": ({"time-udp-survives-icmp"}, set()),
    },
    ("time", "client", "time_client.py"): {
        "none": (set(), set()),
        "signed": ({"time-client-top-bit", "time-client-current"}, {
            "time-client-rfc-examples", "time-client-udp-forged-reply", "time-client-udp-retransmit", "time-client-split-value"}),
        "little-endian": ({"time-client-current"}, {
            "time-client-2036-wrap", "time-client-rfc-examples", "time-client-top-bit", "time-client-udp-forged-reply",
            "time-client-udp-retransmit", "time-client-split-value"}),
        "no-offset": ({"time-client-rfc-examples", "time-client-current"}, {
            "time-client-2036-wrap", "time-client-top-bit", "time-client-udp-forged-reply", "time-client-udp-retransmit",
            "time-client-split-value"}),
        "no-era": ({"time-client-2036-wrap"}, set()),
        "single-recv": ({"time-client-split-value"}, {"time-client-short-value"}),
        "pads-short": ({"time-client-short-value"}, set()),
        "no-timeout": ({"time-client-stalled-server"}, set()),
        "errors-are-success": ({"time-client-refused"}, {"time-client-stalled-server", "time-client-udp-all-lost"}),
        "udp-no-retry": ({"time-client-udp-retransmit"}, set()),
        "udp-any-size": ({"time-client-udp-wrong-size"}, set()),
        "udp-any-source": ({"time-client-udp-forged-reply"}, set()),
        "udp-forever": ({"time-client-udp-all-lost"}, {"time-client-udp-retransmit"}),
    },
}


#: bugs whose intended scenarios must fail at the ``fail`` grade (the bug breaks a MUST), not as a warning:
#: a dead service (NET-TCP-10, NET-UDP-6), a false answer taken from a stray or stale datagram (NET-UDP-7),
#: bytes of one session sent on another (ECHO-TCP-2), a daytime reply that echoes the input (DAYTIME-TCP-3),
#: a time shown after a close without any octet (TIME-TCP-4: RFC 868's "no time").  Not here: the clients
#: that exit 0 whatever happened (no-compare, errors-are-success): their exit status breaks the suite's
#: contract (ECHO-CLIENT-1, DAYTIME-CLIENT-1, TIME-CLIENT-1), a warning
MUST_GRADE = {
    "echo_server.py": ("crash-on-reset", "exit-on-eof", "udp-die-on-icmp", "udp-small-buffer", "udp-skip-empty",
                       "cross-talk"),
    "daytime_server.py": ("crash-on-reset", "udp-die-on-icmp", "echo-input"),
    "time_server.py": ("crash-on-reset", "udp-die-on-icmp", "little-endian", "unix-epoch"),
    "echo_client.py": ("udp-any-source", "udp-first-reply"),
    "daytime_client.py": ("udp-any-source",),
    "time_client.py": ("udp-any-source", "signed", "pads-short"),
}

#: (program, bug) -> (scenario, the one id its failure names): bugs that also break a weaker check of that
#: scenario, which must not hide the MUST (echo-tcp-concurrent-sessions: a's second echo missing, ECHO-TCP-7;
#: daytime-tcp-ignores-input: the reset, NET-TCP-9)
MUST_REQUIREMENT = {
    ("echo_server.py", "cross-talk"): ("echo-tcp-concurrent-sessions", "ECHO-TCP-2"),
    ("daytime_server.py", "echo-input"): ("daytime-tcp-ignores-input", "DAYTIME-TCP-3"),
}


def _spec(role: str, protocol: str, program: str, bug: str) -> str:
    args = SERVER_ARGS if role == "server" else CLIENT_ARGS
    if program == "time_server.py":
        args += " --clock {clock}"
    # the programs import only the standard library: -I -S skips site (and the editable install's finder),
    # a fifth of each start, and a client starts once per exchange
    return f"{protocol}=name={bug},cmd:{{python}} -I -S {BROKEN / program} {args} --bug {bug}"


#: at most this many bugs (targets) per scenario run: a program with more is split into interleaved shares
#: (bug ``j`` goes to share ``j % shares``), so its slow bugs spread and the shares balance over the suite's
#: workers; inside a run, 4 workers (most scenario time is waiting on a peer or a timer, not CPU)
SHARE = 13
WORKERS = 4
RUNS = [(*key, i, n) for key, bugs in CASES.items() for n in [-(-len(bugs) // SHARE)] for i in range(n)]


def _problems(program: str, bugs: dict, results: list[dict]) -> dict[str, list[str]]:
    """bug -> what is wrong with its results: an intended scenario that did not fail, a failure outside
    intended and also, a harness error, a MUST bug graded below ``fail``."""
    by_target: dict[str, dict[str, set[str]]] = {bug: {} for bug in bugs}
    for r in results:
        by_target[r["target"]].setdefault(r["scenario"], set()).add(r["outcome"])
    problems: dict[str, list[str]] = {}
    for bug, (intended, also) in bugs.items():
        seen = by_target[bug]
        failed = {s for s, o in seen.items() if "failed" in o}
        errors = {s for s, o in seen.items() if "error" in o}
        found = [] if seen else ["no results"]
        if not intended <= failed:
            found.append(f"intended scenarios did not fail: {sorted(intended - failed)}")
        if failed - intended - also:
            found.append(f"unexpected failures: {sorted(failed - intended - also)}")
        if errors:
            found.append(f"harness errors in {sorted(errors)}")
        if bug in MUST_GRADE.get(program, ()):
            soft = {r["scenario"] for r in results if r["target"] == bug and r["scenario"] in intended
                    and r["outcome"] == "failed" and r.get("grade") != "fail"}
            if soft:
                found.append(f"breaks a MUST but graded below fail in {sorted(soft)}")
        if (program, bug) in MUST_REQUIREMENT:
            sid, req = MUST_REQUIREMENT[(program, bug)]
            named = [r.get("failed_requirements") for r in results if r["target"] == bug and r["scenario"] == sid
                     and r["outcome"] == "failed"]
            if any(n != [req] for n in named):
                found.append(f"{sid} failed on {named}, not on [{req!r}]")
        if found:
            problems[bug] = found
    return problems


@pytest.mark.long
@pytest.mark.timeout(1500)
@pytest.mark.parametrize("protocol,role,program,share,shares", RUNS,
                         ids=[p if n == 1 else f"{p}:{i + 1}of{n}" for _, _, p, i, n in RUNS])
def test_each_bug_fails_its_scenario_and_only_what_it_breaks(protocol, role, program, share, shares):
    """One run of this share of the program's bugs; a bug whose results are wrong runs once more, alone
    with the other such bugs, and its results come from that run (a load spike can end a scenario the bug
    legitimately breaks on the other side of a timer; a real difference differs twice)."""
    bugs = {bug: v for j, (bug, v) in enumerate(CASES[(protocol, role, program)].items()) if j % shares == share}

    def run(names) -> list[dict]:
        args = ["--protocol", protocol, "--client-timeout", "5"]
        for bug in names:
            args += [f"--{role}", _spec(role, protocol, program, bug)]
        return run_scenarios(args, files=[f"test_{protocol}_{role}.py"], timeout=1500, workers=WORKERS)["results"]

    results = run(bugs)
    first = _problems(program, bugs, results)
    if first:
        again = run(first)
        results = [r for r in results if r["target"] not in first] + again
    problems = _problems(program, bugs, results)
    details = "\n".join(f"{r['target']} {r['outcome']} {r['scenario']}/{r['transport']}: {r['message'][:200]}"
                        for r in results if r["outcome"] in ("failed", "error"))
    assert not problems, "\n".join(f"{bug}: {p}" for bug, found in problems.items() for p in found) + \
        f"\n--- first run: {first}\n--- failures seen ---\n" + details


def test_every_foundation_scenario_is_failed_by_some_bug():
    """The union of intended scenarios covers the socket-level echo/daytime/time catalog (both roles; the
    raw-packets tier has its own broken implementations)."""
    from conformance.registry import load_all

    modules = tuple(f"conformance.scenarios.test_{p}_" for p in ("echo", "daytime", "time"))
    catalog = {s.id for s in load_all().values() if s.function.startswith(modules)}
    intended = {sid for bugs in CASES.values() for (want, _) in bugs.values() for sid in want}
    assert sorted(catalog - intended) == []
