"""Ways a classic service is started (issue 12): ``inetd:`` (the suite is the superserver, TCP nowait and
UDP wait) and ``fd:`` (systemd socket activation), for the references and for real programs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from harness import BARE_PYTHON, BROKEN, WAITING_WORKERS, failed, run_scenarios, with_outcome

from conformance.errors import TargetSpecError
from netconformance_fixtures.readiness import tree_asleep
from netconformance_fixtures.targets import parse_spec


def test_specs():
    assert parse_spec("server", "echo=inetd:cat").kind == "inetd"
    spec = parse_spec("server", "echo=fd:my-echo --fd {fd}")
    assert spec.kind == "fd" and spec.template == "my-echo --fd {fd}"
    with pytest.raises(TargetSpecError, match="launches servers"):
        parse_spec("client", "echo=inetd:cat")
    with pytest.raises(TargetSpecError, match="unknown placeholder"):
        parse_spec("server", "echo=inetd:cat {fd}")


FILES = ["test_echo_server.py", "test_daytime_server.py", "test_time_server.py"]


@pytest.mark.parametrize("kind, flag", [("inetd", "--inetd"), ("fd", "--listen-fd")])
@pytest.mark.parametrize("protocol", ["echo", "daytime", "time"])
def test_references_launched_inetd_and_socket_activated_pass(kind, flag, protocol):
    clock = " --clock {clock}" if protocol != "echo" else ""
    spec = f"{protocol}=name={kind}-ref,{kind}:{{python}} -m reference_servers.{protocol} {flag}{clock}"
    # inetd starts an interpreter per connection: 20 resets at once take a while on a loaded machine
    timeout = ["--conformance-timeout", "1.0"] if kind == "inetd" else []
    report = run_scenarios(["--server", spec, *timeout], files=[f"test_{protocol}_server.py"], workers=2)
    assert not failed(report) and not with_outcome(report, "error"), report["_stdout"][-3000:]
    applicable = with_outcome(report, "passed")
    assert any("udp" in s for s in applicable) or protocol == "daytime", "UDP scenarios ran"
    assert len(applicable) >= 10


def test_cat_is_an_inetd_echo_service():
    report = run_scenarios(["--server", "echo/tcp=name=cat,inetd:cat"], files=["test_echo_server.py"], workers=2)
    assert not failed(report) and not with_outcome(report, "error"), report["_stdout"][-3000:]


@pytest.mark.long
def test_inetd_program_that_never_flushes_is_caught():
    spec = f"echo/tcp=name=buffered,inetd:{BARE_PYTHON} {BROKEN / 'echo_inetd_buffered.py'}"
    # most scenarios wait out their timer for an echo that comes only at the end
    report = run_scenarios(["--server", spec], files=["test_echo_server.py"], workers=WAITING_WORKERS)
    assert "echo-tcp-keeps-echoing" in failed(report), report["_stdout"][-3000:]
    assert not with_outcome(report, "error")


def test_inetd_service_slow_after_a_burst_of_resets_is_not_failed():
    """Twenty resets cost an inetd service twenty process starts.  This one's starts are serialised (flock) and
    take 0.1 s each, so the next exchange waits ~2 s for its command: slow, not a dropped session.  The suite,
    as the superserver, lets the burst's commands end (up to 20 T) before judging that exchange; it failed
    NET-TCP-5 at 4 T before, as a Python inetd service once did on a loaded CI machine."""
    spec = "echo/tcp=name=serial,inetd:flock {workdir}/start.lock sh -c 'sleep 0.1; exec cat'"
    report = run_scenarios(["--server", spec, "--conformance-timeout", "0.2", "-k", "survives_resets"],
                           files=["test_echo_server.py"])
    assert [r["outcome"] for r in report["results"]] == ["passed"], report["_stdout"][-3000:]


BUSY_START = "import time; end = time.monotonic() + 1.5\nwhile time.monotonic() < end: pass"


@pytest.mark.parametrize("prints", [True, False], ids=["prints-listening", "silent"])
def test_socket_activated_server_slow_to_start_is_judged_once_started(prints):
    """A socket-activated server whose start-up takes 1.5 s of CPU (a busy loop, then the reference): the
    scenario's client connects into the backlog the suite made, so before the judging waited for nothing
    and the start-up ate the scenario's 4 T (0.8 s here): ``time-tcp-speaks-first`` failed TIME-TCP-1, a
    MUST, as two time scenarios did on a loaded machine.  Now the suite waits for the LISTENING line, or
    (a command that prints nothing) for the process to fall asleep in accept or poll."""
    quiet = "" if prints else " > /dev/null"
    script = (f"{BARE_PYTHON} -c '{BUSY_START}' && exec {{python}} -m reference_servers.time --listen-fd"
              f" --clock {{clock}}{quiet}")
    spec = f"time/tcp=name=slow-start,fd:sh -c \"{script}\""
    report = run_scenarios(["--server", spec, "--conformance-timeout", "0.2", "-k", "speaks_first"],
                           files=["test_time_server.py"])
    assert [r["outcome"] for r in report["results"]] == ["passed"], report["_stdout"][-3000:]


def test_tree_asleep_sees_running_children():
    """What ``fd:`` readiness reads: a sleeping process is asleep, one whose child runs is not, a gone one
    is not."""
    busy = "while True: pass"  # until killed below
    sleeper = subprocess.Popen(["sleep", "30"], start_new_session=True)
    parent = subprocess.Popen(["sh", "-c", f"{sys.executable} -I -S -c '{busy}'; sleep 30"], start_new_session=True)
    try:
        deadline = time.monotonic() + 5
        while not tree_asleep(sleeper.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert tree_asleep(sleeper.pid)
        time.sleep(0.2)  # the shell waits (asleep) for its busy child
        assert not tree_asleep(parent.pid)
    finally:
        for p in (sleeper, parent):
            os.killpg(p.pid, signal.SIGKILL)  # the shell's busy child too
            p.wait()
    assert not tree_asleep(sleeper.pid)
