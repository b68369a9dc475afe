"""Correct echo, daytime and time programs (RFC 862, 867, 868) in idioms the suite's authors did not use
get no ``fail``-graded result.

Each program in ``tests/correct/{echo,daytime,time}_*.py`` is written from its RFC and the client
contract (README "Testing your implementation") alone, and launched through ``cmd:`` like a user's
program; servers serve TCP and UDP on one port.  Its module docstring declares every warning it gets
(``warning: <scenario>: <reason>``).  A fail on one of them is a verdict the RFC does not back."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import BARE_PYTHON, WAITING_WORKERS, assert_correct, run_correct

HERE = Path(__file__).resolve().parent

#: program -> its arguments after ``{python} program``
SERVERS = {
    "echo_server_socketserver.py": "{port}",
    "echo_server_selectors.py": "--port {port}",
    "echo_server_asyncio.py": "{port}",
    "daytime_server_socketserver.py": "{port}",
    "daytime_server_forking.py": "--port {port}",
    "daytime_server_asyncio.py": "{port}",
    "time_server_socketserver.py": "{port}",
    "time_server_selectors.py": "--port {port}",
    "time_server_asyncio.py": "{port} --clock {clock}",
}
#: servers over an AF_UNIX stream socket only (``{path}``: the scenarios run over AF_UNIX)
UNIX_SERVERS = {
    "daytime_server_blunt.py": "--unix {path}",
    "time_server_blunt.py": "--unix {path}",
}
CLIENTS = {
    "echo_client_threads.py": "{host} {port} {transport}",  # 5 s waits
    "echo_client_asyncio.py": "--host {host} --port {port} --{transport}",  # 10 s waits
    "echo_client_selectors.py": "{host} {port} --transport {transport} --timeout {timeout}",
    "daytime_client_makefile.py": "{host} {port} {transport}",  # 5 s
    "daytime_client_asyncio.py": "--host {host} --port {port} --transport {transport}",  # 10 s
    "daytime_client_recv_eof.py": "--timeout {timeout} {host} {port} --{transport}",
    "time_client_struct.py": "{host} {port} {transport}",  # 5 s
    "time_client_asyncio.py": "--host {host} --port {port} --transport {transport}",  # 10 s
    "time_client_makefile.py": "{host} {port} --transport {transport} --timeout {timeout}",
}


def _spec(program: str, args: str) -> str:
    protocol = program.split("_", 1)[0]
    return f"{protocol}=name={program[:-3]},cmd:{BARE_PYTHON} {HERE / program} {args}"


@pytest.mark.timeout(600)
@pytest.mark.parametrize("program", list(SERVERS))
def test_correct_socket_server(program):
    protocol = program.split("_", 1)[0]
    report = run_correct(["--protocol", protocol, "--server", _spec(program, SERVERS[program])], HERE / program,
                         files=[f"test_{protocol}_server.py"], workers=2)
    assert_correct(report)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("program", list(UNIX_SERVERS))
def test_correct_unix_server(program):
    """A server that writes its answer and closes at once, input unread: over AF_UNIX the client's write may
    be refused (EPIPE) before it is done, which is the server doing what its RFC says, not a failure."""
    protocol = program.split("_", 1)[0]
    report = run_correct(["--protocol", protocol, "--server", _spec(program, UNIX_SERVERS[program])], HERE / program,
                         files=[f"test_{protocol}_server.py"], workers=2)
    assert_correct(report)
    assert all(r["transport"] == "tcp" for r in report["results"] if r["outcome"] == "passed")
    ignores = [r for r in report["results"] if r["scenario"] == f"{protocol}-tcp-ignores-input"]
    assert [r["outcome"] for r in ignores] == ["passed"], ignores


@pytest.mark.long
@pytest.mark.timeout(600)
@pytest.mark.parametrize("program", list(CLIENTS))
def test_correct_socket_client(program):
    protocol = program.split("_", 1)[0]
    report = run_correct(["--protocol", protocol, "--client", _spec(program, CLIENTS[program]),
                          "--client-timeout", "14"], HERE / program, files=[f"test_{protocol}_client.py"],
                         workers=WAITING_WORKERS)
    assert_correct(report)
