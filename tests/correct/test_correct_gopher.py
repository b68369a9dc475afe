"""Correct gopher programs in idioms the suite's authors did not use get no ``fail``-graded result.

Each program in ``tests/correct/gopher_*.py`` is written from RFC 1436 (and RFC 4266 for URLs) alone and
launched through ``cmd:`` like a user's program; its module docstring declares every warning it gets
(``warning: <scenario>: <reason>``).  A fail on one of them is a verdict the RFC does not back."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import BARE_PYTHON, WAITING_WORKERS, assert_correct, run_correct

HERE = Path(__file__).resolve().parent

SERVERS = ["gopher_server_threading.py", "gopher_server_asyncio.py", "gopher_server_selectors.py"]
CLIENTS = {
    "gopher_client_recv_eof.py": "{url}",
    "gopher_client_makefile.py": "--timeout 10 {url}",
    "gopher_client_asyncio.py": "{url}",
}


@pytest.mark.long
@pytest.mark.parametrize("program", SERVERS)
def test_correct_gopher_server(program):
    cmd = f"{BARE_PYTHON} {HERE / program} --port {{port}} --root {{root}}"
    report = run_correct(["--server", f"gopher=name={program[:-3]},cmd:{cmd}"], HERE / program,
                         files=["test_gopher_server.py"], workers=2)
    assert_correct(report)


@pytest.mark.long
@pytest.mark.parametrize("program", list(CLIENTS))
def test_correct_gopher_client(program):
    cmd = f"{BARE_PYTHON} {HERE / program} {CLIENTS[program]}"
    report = run_correct(["--client", f"gopher=name={program[:-3]},cmd:{cmd}", "--client-timeout", "14"],
                         HERE / program, files=["test_gopher_client.py"], workers=WAITING_WORKERS)
    assert_correct(report)
