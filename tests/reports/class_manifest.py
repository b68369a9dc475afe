"""Builds the grading class of the self-tests from ``tests/broken/`` and the references: 30 submissions
(``submissions(whole=True)``, graded by ``benchmarks/grade_class.py``), or the self-tests' 17 of them
(every kind of submission, each broken program once: the verdicts of every bug are the business of
``test_broken_foundation``, and grading scores a broken program the same way whichever bug it has).

``submissions()`` returns (name, protocol, role, command, expectation) where expectation is
``(intended, also)`` from :data:`test_broken_foundation.CASES` for broken programs (failed scenarios must
include ``intended`` and stay within ``intended | also``), ``"perfect"`` for correct ones, or one of
``"hang"``, ``"crash"`` (never starts), ``"silent"`` (listens, answers nothing), ``"flood"``, ``"forkbomb"``.

    python tests/reports/class_manifest.py [--whole] > /tmp/class.toml      (print it)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
sys.path.insert(0, str(TESTS))

from harness import BARE_PYTHON  # noqa: E402 (after the path insert)
from test_broken_foundation import CASES, CLIENT_ARGS, SERVER_ARGS  # noqa: E402

BROKEN = TESTS / "broken"
PROGRAMS = HERE / "programs"

PICK = {
    ("echo", "server", "echo_server.py"): ["none", "banner", "text-mode", "close-after-first",
                                           "single-threaded", "udp-skip-empty", "udp-double-reply"],
    ("daytime", "server", "daytime_server.py"): ["read-first", "never-close", "nul-terminated", "multi-line"],
    ("time", "server", "time_server.py"): ["little-endian", "unix-epoch", "signed", "never-close"],
    ("echo", "client", "echo_client.py"): ["single-recv", "no-compare", "udp-no-retry"],
    ("daytime", "client", "daytime_client.py"): ["needs-crlf", "udp-any-source"],
    ("time", "client", "time_client.py"): ["no-era"],
}
REF_CLIENT = "{python} -m reference_servers.%s.client --host {host} --port {port} --transport {transport} --timeout {timeout}"
SPECIAL = [
    ("ref-echo-server", "echo", "server", "{python} -m reference_servers.echo --port {port}", "perfect"),
    ("ref-time-server", "time", "server", "{python} -m reference_servers.time --port {port} --clock {clock}", "perfect"),
    ("ref-echo-client", "echo", "client", REF_CLIENT % "echo", "perfect"),
    ("ref-daytime-client", "daytime", "client", REF_CLIENT % "daytime", "perfect"),
    ("hang", "echo", "client", "sh -c 'exec sleep 3600' {host} {port}", "hang"),
    ("crash", "daytime", "server", "{python} -c 'raise SystemExit(3)' {port}", "crash"),
    ("silent", "echo", "server", f"{BARE_PYTHON} {PROGRAMS / 'silent_server.py'} --port {{port}}", "silent"),
    ("flood", "echo", "server", f"{BARE_PYTHON} {PROGRAMS / 'flood_server.py'} --port {{port}}", "flood"),
    ("forkbomb", "echo", "server", f"{BARE_PYTHON} {PROGRAMS / 'forkbomb_server.py'} --port {{port}}", "forkbomb"),
]


#: the submissions whose runs take longest (their scenarios wait out timeouts: silent answers nothing, hang is
#: stopped by the time limit): listed first, so that the grader's slots take the others while they run instead
#: of one of them running alone at the end (the class took 88 s with silent last, 59 s of it silent's own run)
SLOW = ("silent", "hang")

#: the broken programs of the self-tests' class: one bug of each program (two of the echo server: one a TCP
#: bug, one a UDP bug), and the echo server without a bug
SAMPLE = {"echo-server-none", "echo-server-banner", "echo-server-udp-double-reply", "daytime-server-never-close",
          "time-server-little-endian", "echo-client-single-recv", "daytime-client-udp-any-source", "time-client-no-era"}


def submissions(*, whole: bool = False) -> list[tuple[str, str, str, str, object]]:
    """The class: 30 submissions with ``whole``, else the self-tests' 17 (:data:`SAMPLE` and every special one)."""
    subs = []
    for (protocol, role, program), bugs in PICK.items():
        for bug in bugs:
            args = SERVER_ARGS if role == "server" else CLIENT_ARGS
            if program == "time_server.py":
                args += " --clock {clock}"
            name = f"{protocol}-{role}-{bug}"
            expect = "perfect" if bug == "none" else CASES[(protocol, role, program)][bug]
            if whole or name in SAMPLE:
                subs.append((name, protocol, role, f"{BARE_PYTHON} {BROKEN / program} {args} --bug {bug}", expect))
    missing = SAMPLE - {name for name, *_ in subs}
    assert not missing, f"SAMPLE names submissions PICK does not make: {sorted(missing)}"
    subs += SPECIAL
    return sorted(subs, key=lambda sub: sub[0] not in SLOW)  # stable: the slow ones first, then the list's order


def manifest(subs: list[tuple[str, str, str, str, object]], *, time_limit: float = 120, hang_limit: float = 12,
             parallel: int = 2, seed: int = 2026) -> str:
    """The manifest (TOML) grading ``subs`` (from :func:`submissions`)."""
    lines = ["[grade]", f"parallel = {parallel}", f"time_limit = {time_limit}", f"seed = {seed}",
             "conformance_timeout = 0.3", "client_timeout = 5", "startup_timeout = 8", "max_processes = 160",
             "warning_credit = 0.5", "", "[grade.weights]", "protocol = 2", "robustness = 2", "default = 1", ""]
    for name, protocol, role, command, expect in subs:
        lines += ["[[submission]]", f"name = {json.dumps(name)}", f"protocol = {json.dumps(protocol)}",
                  f"role = {json.dumps(role)}", f"command = {json.dumps(command)}"]
        if expect == "hang":
            lines.append(f"time_limit = {hang_limit}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(manifest(submissions(whole="--whole" in sys.argv[1:])))
