"""The verdicts recorded in ``docs/verdicts-smtp.md`` for real implementations still hold: aiosmtpd (PyPI)
as a server, through ``tests/real/aiosmtpd_maildir.py``, and Python's smtplib as a client, as a one-line
``python -c`` reading stdin.  Each failure is tied to the requirement named in the verdicts document."""

from __future__ import annotations

import pytest
from harness import ROOT, describe, run_verdict

pytest.importorskip("aiosmtpd")

AIOSMTPD = f"smtp=name=aiosmtpd,cmd:{{python}} {ROOT / 'tests/real/aiosmtpd_maildir.py'} --port {{port}} --maildir {{maildir}}"
SMTPLIB = ('smtp=name=smtplib,cmd:{python} -c "import sys,smtplib; s=smtplib.SMTP(sys.argv[1], int(sys.argv[2]), '
           'timeout=float(sys.argv[3])); s.sendmail(sys.argv[4], sys.argv[5:], sys.stdin.buffer.read()); s.quit()" '
           '{host} {port} {timeout} {from} {to}')

AIOSMTPD_FAILS = {
    "smtp-server-bare-lf-command": "SMTP-LINE-2",
    "smtp-server-invalid-characters": "SMTP-CMD-9",
    "smtp-server-error-codes": "SMTP-CMD-11",
    "smtp-server-help": "SMTP-CMD-10",
    "smtp-server-received-header": "SMTP-TXN-11",
    "smtp-server-no-relay": "SMTP-TXN-2",
    "smtp-server-shutdown-421": "SMTP-421-1",
}
SMTPLIB_FAILS = {
    "smtp-client-crlf-only": "SMTP-DATA-5",
    "smtp-client-8bit-without-8bitmime": "SMTP-8BIT-4",
    "smtp-client-reply-codes": "SMTP-REPLY-4",
    "smtp-client-too-many-recipients": "SMTP-LIMIT-4",
}


@pytest.mark.parametrize("role,spec,expected", [("server", AIOSMTPD, AIOSMTPD_FAILS), ("client", SMTPLIB, SMTPLIB_FAILS)],
                         ids=["aiosmtpd", "smtplib"])
def test_recorded_verdicts(role, spec, expected):
    report = run_verdict([f"--{role}", spec, "--protocol", "smtp"], expected, files=[f"test_smtp_{role}.py"], timeout=280)
    failed = {r["scenario"]: r for r in report["results"] if r["outcome"] == "failed"}
    errors = [r for r in report["results"] if r["outcome"] == "error"]
    assert not errors, describe(report)
    assert set(failed) == set(expected), describe(report)
    for scenario, requirement in expected.items():
        assert requirement in failed[scenario]["message"], failed[scenario]["message"]
