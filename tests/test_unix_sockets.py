"""AF_UNIX (issue 12): ``unix:PATH``/``unixgram:PATH`` targets, ``{path}`` commands and ``--family unix``; the
references pass over AF_UNIX stream and datagram sockets, socat is judged there, and a client that ignores
its socket path is caught; curl judged over AF_UNIX gets the verdict it gets over TCP."""

from __future__ import annotations

import shutil

import pytest
from harness import BROKEN, failed, run_scenarios, with_outcome

from conformance.errors import TargetSpecError
from netconformance_fixtures.plugin import with_family
from netconformance_fixtures.targets import parse_spec


def test_specs():
    stream = parse_spec("server", "echo=unix:/tmp/e.sock")
    assert (stream.kind, stream.family, stream.path, stream.transports) == ("address", "unix", "/tmp/e.sock", ("tcp",))
    assert parse_spec("server", "time=unixgram:/tmp/t.sock").transports == ("udp",)
    command = parse_spec("server", "echo/tcp=cmd:socat UNIX-LISTEN:{path},fork EXEC:cat")
    assert command.family == "unix"  # {path} and no {port}: AF_UNIX whatever --family says
    assert parse_spec("server", "echo=cmd:e --port {port} --unix {path}").family == 4
    assert parse_spec("client", "echo=cmd:c --unix {path}").family == 4
    for bad, why in [("gopher=unixgram:/tmp/g", "no datagram"), ("echo/udp=unix:/tmp/e", "given a unix"),
                     ("echo=unix:/" + "x" * 120, "at most 107")]:
        with pytest.raises(TargetSpecError, match=why):
            parse_spec("server", bad)
    with pytest.raises(TargetSpecError, match="client target"):
        parse_spec("client", "echo=unix:/tmp/e")
    specs = [parse_spec("server", "echo=ref"), stream, command]
    assert [(s.name, s.family) for s in with_family(specs, "all")] == [
        ("ref", 4), ("ref-ipv6", 6), ("ref-unix", "unix"), ("e.sock", "unix"), ("socat", "unix")]
    assert [(s.name, s.family) for s in with_family(specs[:1], "unix")] == [("ref", "unix")]


@pytest.mark.parametrize("files", [["test_echo_server.py", "test_echo_client.py"],
                                   ["test_daytime_server.py", "test_daytime_client.py"],
                                   ["test_time_server.py", "test_time_client.py"],
                                   ["test_http_server.py", "test_gopher_server.py", "test_smtp_server.py",
                                    "test_smtp_client.py"],
                                   ["test_http_client.py", "test_gopher_client.py"]])
def test_references_pass_over_unix(files):
    report = run_scenarios(["--family", "unix"], files=files, workers=2)
    assert not failed(report) and not with_outcome(report, "error"), report["_stdout"][-3000:]
    assert len(with_outcome(report, "passed")) >= 10
    if "test_echo_server.py" in files:  # datagram AF_UNIX ran, and an IP-only scenario says why it did not
        assert any(r["transport"] == "udp" and r["outcome"] == "passed" for r in report["results"])
        na = {r["scenario"]: r["message"] for r in report["results"] if r["outcome"] == "not-applicable"}
        assert "AF_UNIX" in na["echo-udp-reply-source"]


@pytest.mark.parametrize("spec", [
    "echo=name=cmd,cmd:{python} -m reference_servers.echo --unix {path} --unix-dgram {dgram_path}",
    "echo=name=fd,fd:{python} -m reference_servers.echo --listen-fd",
    "echo=name=inetd,inetd:{python} -m reference_servers.echo --inetd",
])
def test_reference_launch_kinds_over_unix(spec):
    timeout = ["--conformance-timeout", "1.0"] if "inetd" in spec else []
    report = run_scenarios(["--family", "unix", "--server", spec, *timeout], files=["test_echo_server.py"], workers=2)
    assert not failed(report) and not with_outcome(report, "error"), report["_stdout"][-3000:]
    assert any(r["transport"] == "udp" and r["outcome"] == "passed" for r in report["results"])


def test_unix_address_target():
    """A server the user started on a socket path is tested by address (``unix:PATH``)."""
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="ncu-t", dir="/tmp") as tmp:
        path = f"{tmp}/e.sock"
        proc = subprocess.Popen([sys.executable, "-m", "reference_servers.echo", "--unix", path], stdout=subprocess.PIPE)
        try:
            assert proc.stdout.readline().decode().strip() == f"LISTENING stream unix:{path}"
            report = run_scenarios(["--server", f"echo=unix:{path}"], files=["test_echo_server.py"], workers=2)
        finally:
            proc.terminate()
            proc.wait(5)
    assert not failed(report) and not with_outcome(report, "error"), report["_stdout"][-3000:]
    assert len(with_outcome(report, "passed")) >= 10


@pytest.mark.skipif(shutil.which("socat") is None, reason="socat is not installed (apt-get install socat)")
def test_socat_echo_over_unix():
    spec = "echo/tcp=name=socat,cmd:socat UNIX-LISTEN:{path},fork EXEC:cat"
    report = run_scenarios(["--server", spec], files=["test_echo_server.py"], workers=2)
    assert not failed(report) and not with_outcome(report, "error"), report["_stdout"][-3000:]
    assert len(with_outcome(report, "passed")) >= 10


def test_client_that_ignores_its_socket_path_is_caught():
    base = (f"{{python}} {BROKEN / 'echo_client.py'} --port {{port}} --unix {{path}} --transport {{transport}} "
            "--timeout {timeout}")
    report = run_scenarios(["--family", "unix", "--client", f"echo=name=inet,cmd:{base} --bug ignores-unix",
                            "--client", f"echo=name=unbound,cmd:{base} --bug unix-unbound",
                            "--client", f"echo=name=correct,cmd:{base}", "--scenario", "echo-client-basic"],
                           files=["test_echo_client.py"], workers=2)
    by_target = {(r["target"], r["transport"]): r["outcome"] for r in report["results"]}
    assert by_target[("inet", "tcp")] == by_target[("inet", "udp")] == "failed", report["_stdout"][-3000:]
    assert by_target[("unbound", "udp")] == "failed"
    assert by_target[("correct", "tcp")] == by_target[("correct", "udp")] == "passed"


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_over_unix_gets_its_tcp_verdict():
    """``curl --unix-socket {path} {url}``: the URL names localhost, the socket says where; the warnings are
    exactly curl's over TCP (tests/http/test_http_real.py CURL_WARNS), no fail, and every scenario of the
    module applies (the http client scenarios need no IP address)."""
    spec = "http=name=curl,cmd:curl --http1.0 -sf --unix-socket {path} {url}"
    report = run_scenarios(["--family", "unix", "--client", spec, "--client-timeout", "3"],
                           files=["test_http_client.py"], workers=2)
    grades = {r["scenario"]: r.get("grade") for r in report["results"] if r["outcome"] == "failed"}
    assert set(grades) == {"http-client-simple-response", "http-client-close-mid-head", "http-client-stalled-server",
                           "http-client-stalled-mid-body", "http-client-never-accepted"}, report["_stdout"][-3000:]
    assert set(grades.values()) == {"warning"}
    assert not with_outcome(report, "error")
    assert not with_outcome(report, "not-applicable")
