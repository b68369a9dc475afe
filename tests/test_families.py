"""IPv6 (issue 12): every socket-level scenario runs over ::1 with ``--family 6``, ``both`` runs each target
twice, real programs are judged over IPv6, and a client that hard-codes AF_INET is caught."""

from __future__ import annotations

import shutil

import pytest
from harness import BROKEN, failed, run_scenarios, with_outcome

from netconformance_fixtures.plugin import with_family
from netconformance_fixtures.targets import parse_spec


def test_both_runs_every_launched_target_twice():
    specs = [parse_spec("server", "echo=ref"), parse_spec("server", "daytime=tcp://[::1]:13"),
             parse_spec("client", "time=cmd:t {host} {port}")]
    twins = with_family(specs, "both")
    assert [(s.name, s.family) for s in twins] == [("ref", 4), ("ref-ipv6", 6), (specs[1].name, 6), ("t", 4),
                                                   ("t-ipv6", 6)]
    assert specs[1].family == 6 and twins[1].loopback == "::1"


@pytest.mark.parametrize("files", [["test_echo_server.py", "test_echo_client.py"],
                                   ["test_daytime_server.py", "test_daytime_client.py"],
                                   ["test_time_server.py", "test_time_client.py"],
                                   ["test_http_server.py", "test_gopher_server.py", "test_smtp_client.py"]])
def test_references_pass_over_ipv6(files):
    report = run_scenarios(["--family", "6"], files=files, workers=2)
    assert not failed(report) and not with_outcome(report, "error"), report["_stdout"][-3000:]
    assert len(with_outcome(report, "passed")) >= 10


@pytest.mark.skipif(shutil.which("socat") is None, reason="socat is not installed (.ci/run installs it)")
def test_socat_echo_over_ipv6():
    spec = "echo/tcp=name=socat6,cmd:socat TCP6-LISTEN:{port},bind=[::1],fork,reuseaddr EXEC:cat"
    report = run_scenarios(["--family", "6", "--server", spec], files=["test_echo_server.py"], workers=2)
    assert not failed(report) and not with_outcome(report, "error"), report["_stdout"][-3000:]


def test_http_server_module_over_ipv6():
    spec = "http=name=http.server,cmd:{python} -m http.server --bind {host} --directory {root} {port}"
    report = run_scenarios(["--family", "6", "--server", spec, "--scenario", "http-server-get-*"],
                           files=["test_http_server.py"], workers=2)
    assert with_outcome(report, "passed") and not with_outcome(report, "error"), report["_stdout"][-3000:]


def test_client_that_hard_codes_af_inet_is_caught():
    client = (f"echo=name=ipv4only,cmd:{{python}} {BROKEN / 'echo_client.py'} --host {{host}} --port {{port}} "
              "--transport {transport} --timeout {timeout} --bug ipv4-only")
    correct = client.replace("ipv4-only", "none").replace("name=ipv4only", "name=correct")
    report = run_scenarios(["--family", "6", "--client", client, "--client", correct,
                            "--scenario", "echo-client-basic"], files=["test_echo_client.py"], workers=2)
    by_target = {(r["target"], r["transport"]): r for r in report["results"]}
    assert by_target[("ipv4only", "tcp")]["outcome"] == "failed", report["_stdout"][-3000:]
    assert by_target[("correct", "tcp")]["outcome"] == "passed" and by_target[("correct", "udp")]["outcome"] == "passed"


def test_server_bound_only_to_ipv4_any_is_a_clear_error_over_ipv6():
    """A server that binds 0.0.0.0 (no IPv6) given with --family 6 never listens where the suite looks:
    one harness error naming ::1, not a failure per scenario."""
    spec = "echo/tcp=name=v4any,cmd:{python} -m reference_servers.echo --host 0.0.0.0 --port {port} --transport tcp"
    report = run_scenarios(["--family", "6", "--startup-timeout", "2", "--server", spec,
                            "--scenario", "echo-tcp-no-banner", "--scenario", "echo-tcp-keeps-echoing"],
                           files=["test_echo_server.py"])
    errors = [r for r in report["results"] if r["outcome"] == "error"]
    assert errors and not failed(report), report["_stdout"][-3000:]
    assert "at ::1" in errors[0]["message"] and "0.0.0.0" in errors[0]["message"]
