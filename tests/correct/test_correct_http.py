"""Correct HTTP/1.0 programs in idioms the suite's authors did not use get no ``fail``-graded result.

Each program in ``tests/correct/http_*.py`` is written from RFC 1945 (and the client contract of
DESIGN §5) alone and launched through ``cmd:`` like a user's program; its module docstring declares
every warning it gets (``warning: <scenario>: <reason>``).  A fail on one of them is a verdict the RFC
does not back."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import BARE_PYTHON, WAITING_WORKERS, assert_correct, run_correct

HERE = Path(__file__).resolve().parent

SERVERS = {
    "http_server_stdlib.py": "--port {port} --directory {root}",   # http.server subclass with fixes
    "http_server_asyncio.py": "--port {port} --root {root}",       # asyncio streams
    "http_server_forking.py": "{port} {root}",                     # socketserver forking, makefile() reader
}
CLIENTS = {  # program -> (arguments, --client-timeout: above the program's own 5 s or 10 s wait limit)
    "http_client_urllib.py": ("{url}", "9"),
    "http_client_httpclient.py": ("{url}", "14"),
    "http_client_raw.py": ("{url}", "9"),
}


@pytest.mark.parametrize("program", list(SERVERS))
def test_correct_http_server(program):
    cmd = f"{BARE_PYTHON} {HERE / program} {SERVERS[program]}"
    report = run_correct(["--server", f"http=name={program[:-3]},cmd:{cmd}"], HERE / program,
                         files=["test_http_server.py"], workers=2)
    assert_correct(report)


@pytest.mark.long
@pytest.mark.parametrize("program", list(CLIENTS))
def test_correct_http_client(program):
    args, limit = CLIENTS[program]
    cmd = f"{BARE_PYTHON} {HERE / program} {args}"
    report = run_correct(["--client", f"http=name={program[:-3]},cmd:{cmd}", "--client-timeout", limit],
                         HERE / program, files=["test_http_client.py"], workers=WAITING_WORKERS)
    assert_correct(report)
