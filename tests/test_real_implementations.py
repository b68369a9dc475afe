"""Verdicts on implementations nobody here wrote (recorded in the README): socat and OpenBSD netcat, and
Twisted's ``twisted.protocols.wire``.  Each verdict is the exact set of scenarios the implementation
fails; everything else applicable must pass."""

from __future__ import annotations

import importlib.util
import shutil

import pytest
from harness import ROOT, describe, failed, run_verdict, with_outcome

TWISTED = f"{{python}} {ROOT / 'tests' / 'real' / 'twisted_wire.py'}"

CASES = {
    "socat-echo-tcp": ("socat", ["--server", "echo/tcp=name=socat,cmd:socat TCP-LISTEN:{port},bind=127.0.0.1,fork,reuseaddr EXEC:cat"],
                       "test_echo_server.py", set()),
    "socat-echo-udp": ("socat", ["--server", "echo/udp=name=socat,cmd:socat UDP-RECVFROM:{port},bind=127.0.0.1,fork EXEC:cat"],
                       "test_echo_server.py", {"echo-udp-sizes", "echo-udp-empty"}),
    "twisted-echo": ("twisted", ["--server", f"echo/tcp=name=twisted,cmd:{TWISTED} echo {{port}}"], "test_echo_server.py", set()),
    # wire.Daytime adds str and bytes on Python 3: TypeError, nothing sent, connection left open
    "twisted-daytime": ("twisted", ["--server", f"daytime/tcp=name=twisted,cmd:{TWISTED} daytime {{port}}"], "test_daytime_server.py", {
        "daytime-tcp-speaks-first", "daytime-tcp-closes", "daytime-tcp-ignores-input", "daytime-format-printable",
        "daytime-format-one-line", "daytime-current-time", "daytime-tcp-half-close", "daytime-tcp-survives-resets",
        "daytime-tcp-idle-client"}),
    # wire.Time sends struct.pack("!i", unix time): Unix epoch, and nothing at all past 2038-01-19
    "twisted-time": ("twisted", ["--server", f"time/tcp=name=twisted,cmd:{TWISTED} time {{port}}"], "test_time_server.py", {
        "time-value-now", "time-clock-past-2038", "time-clock-past-2036-wrap"}),
    "socat-echo-client": ("socat", ["--client", "echo=name=socat,cmd:socat - TCP:{host}:{port}"], "test_echo_client.py", {
        "echo-client-never-accepted", "echo-client-paused-server", "echo-client-reset-mid-echo", "echo-client-short-echo",
        "echo-client-short-echo-stall", "echo-client-stalled-server"}),
    "nc-echo-client": ("nc", ["--client", "echo=name=nc,cmd:nc -N {host} {port}"], "test_echo_client.py", {
        "echo-client-fragmented-echo", "echo-client-never-accepted", "echo-client-reset-mid-echo", "echo-client-short-echo",
        "echo-client-short-echo-stall", "echo-client-stalled-server"}),
}


def _available(tool: str) -> bool:
    if tool == "twisted":
        return importlib.util.find_spec("twisted") is not None
    if tool == "faketime":
        return shutil.which("faketime") is not None
    return shutil.which(tool) is not None


@pytest.mark.parametrize("case", list(CASES))
def test_verdict(case):
    tool, args, module, expected_failures = CASES[case]
    if not _available(tool):
        pytest.skip(f"{tool} is not installed (.ci/run installs it)")
    if case == "twisted-time" and not _available("faketime"):
        expected_failures = expected_failures - {"time-clock-past-2038", "time-clock-past-2036-wrap"}
    # the default T (0.5 s), as in the README: socat gives up 0.5 s after its input ends
    report = run_verdict([*args, "--client-timeout", "4", "--conformance-timeout", "0.5"], expected_failures, files=[module])
    detail = describe(report) + f"\nrun twice: {report['_rerun']}\n{report['_first']}"
    assert not with_outcome(report, "error"), detail
    assert failed(report) == expected_failures, detail
    assert with_outcome(report, "passed") or case == "twisted-daytime"
