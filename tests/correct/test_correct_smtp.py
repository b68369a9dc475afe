"""Correct SMTP programs written in other styles (tests/correct/smtp_*.py) get no fail-graded verdict:
three servers (asyncio streams, socketserver threads, aiosmtpd with a careful Maildir handler) and three
clients (raw socket + makefile with 5 s timeouts, asyncio streams with 10 s timeouts and pipelining,
smtplib with fixes and 10 s timeouts).  Any warning they get is declared in their docstrings."""

from __future__ import annotations

import pytest
from harness import BARE_PYTHON, ROOT, WAITING_WORKERS, assert_correct, run_correct

CORRECT = ROOT / "tests" / "correct"
SERVERS = {
    "smtp_server_asyncio.py": "--port {port} --maildir {maildir} --domain {domain}",
    "smtp_server_threaded.py": "--port {port} --maildir {maildir} --domain {domain}",
    "smtp_server_aiosmtpd.py": "--port {port} --maildir {maildir} --domain {domain}",
}
CLIENTS = {
    "smtp_client_socket.py": "--host {host} --port {port} --from {from} --to {to}",
    "smtp_client_asyncio.py": "{host} {port} {from} {to}",
    "smtp_client_smtplib.py": "--server {host}:{port} --sender {from} {to}",
}
CASES = [("server", p, a) for p, a in SERVERS.items()] + [("client", p, a) for p, a in CLIENTS.items()]


@pytest.mark.long
@pytest.mark.parametrize("role,program,args", CASES, ids=[c[1][:-3] for c in CASES])
def test_correct_program(role, program, args):
    if "aiosmtpd" in program:
        pytest.importorskip("aiosmtpd")
    path = CORRECT / program
    python = "{python}" if "aiosmtpd" in program else BARE_PYTHON  # the others use the standard library only
    spec = f"smtp=name={program[:-3]},cmd:{python} {path} {args}"
    report = run_correct([f"--{role}", spec, "--protocol", "smtp", "--client-timeout", "14"], path,
                         files=[f"test_smtp_{role}.py"], workers=WAITING_WORKERS if role == "client" else 2, timeout=300)
    assert_correct(report)
