"""The verdicts recorded in ``docs/verdicts-smtp.md`` for real implementations still hold: aiosmtpd (PyPI)
as a server, through ``tests/real/aiosmtpd_maildir.py``; the npm ``smtp-server`` package (nodemailer) as
a server, through ``tests/real/smtp_server_node.js``; Python's smtplib and aiosmtplib as clients, as
one-line ``python -c`` programs reading stdin.  Each failure is tied to the requirement named in the
verdicts document."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from harness import ROOT, describe, run_verdict

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
    "smtp-server-no-relay": "SMTP-TXN-13",  # local policy since issue 10 (was SMTP-TXN-2): a warning
    "smtp-server-shutdown-421": "SMTP-421-1",
}
AIOSMTPLIB = ('smtp=name=aiosmtplib,cmd:{python} -c "import sys,asyncio,aiosmtplib; asyncio.run(aiosmtplib.send('
              'sys.stdin.buffer.read(), sender=sys.argv[4], recipients=sys.argv[5:], hostname=sys.argv[1], '
              'port=int(sys.argv[2]), timeout=float(sys.argv[3]), start_tls=False))" {host} {port} {timeout} {from} {to}')
AIOSMTPLIB_FAILS = {
    "smtp-client-8bit-without-8bitmime": "SMTP-8BIT-4",
    "smtp-client-reply-codes": "SMTP-REPLY-4",
    "smtp-client-too-many-recipients": "SMTP-LIMIT-4",
}
#: npm smtp-server 3.x behind tests/real/smtp_server_node.js (docs/verdicts-smtp.md)
SMTP_SERVER_NODE_FAILS = {
    "smtp-server-quoted-local-part": "SMTP-TXN-8",
    "smtp-server-unknown-parameter": "SMTP-CMD-8",
    "smtp-server-received-header": "SMTP-TXN-11",
    "smtp-server-invalid-characters": "SMTP-CMD-9",  # warning
    "smtp-server-no-argument-commands": "SMTP-CMD-6",  # warning
    "smtp-server-bare-lf-command": "SMTP-LINE-2",  # warning
    "smtp-server-shutdown-421": "SMTP-421-1",  # warning
}
#: the npm package is installed once into this directory (kept between runs)
NPM_DIR = Path(tempfile.gettempdir()) / "netconformance-npm-smtp-server-3"


def node_smtp_server() -> str:
    """The server spec for npm smtp-server@3, installing the package on first use (skips when node, npm or
    the registry is unavailable)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        pytest.skip("node and npm are needed for the npm smtp-server package")
    modules = NPM_DIR / "node_modules"
    if not (modules / "smtp-server" / "package.json").exists():
        try:
            proc = subprocess.run([npm, "install", "--prefix", str(NPM_DIR), "--no-audit", "--no-fund", "smtp-server@3"],
                                  capture_output=True, timeout=180)
        except subprocess.TimeoutExpired:
            pytest.skip("npm install smtp-server@3 took more than 180 s (registry unavailable?)")
        if proc.returncode != 0 or not (modules / "smtp-server" / "package.json").exists():
            pytest.skip(f"npm install smtp-server@3 failed: {proc.stderr.decode(errors='replace')[-300:]}")
    return (f"smtp=name=smtp-server,cmd:env NODE_PATH={modules} {node} {ROOT / 'tests/real/smtp_server_node.js'} "
            "--port {port} --maildir {maildir} --domain {domain}")


SMTPLIB_FAILS = {
    "smtp-client-crlf-only": "SMTP-DATA-5",
    "smtp-client-8bit-without-8bitmime": "SMTP-8BIT-4",
    "smtp-client-reply-codes": "SMTP-REPLY-4",
    "smtp-client-too-many-recipients": "SMTP-LIMIT-4",
}


@pytest.mark.long
@pytest.mark.parametrize("role,spec,expected", [("server", AIOSMTPD, AIOSMTPD_FAILS), ("client", SMTPLIB, SMTPLIB_FAILS),
                                                 ("client", AIOSMTPLIB, AIOSMTPLIB_FAILS),
                                                 ("server", "npm", SMTP_SERVER_NODE_FAILS)],
                         ids=["aiosmtpd", "smtplib", "aiosmtplib", "npm-smtp-server"])
def test_recorded_verdicts(role, spec, expected):
    if "aiosmtpd" in spec:
        pytest.importorskip("aiosmtpd", reason="aiosmtpd (pip) is not installed")
    if "aiosmtplib" in spec:
        pytest.importorskip("aiosmtplib", reason="aiosmtplib (pip) is not installed")
    if spec == "npm":
        spec = node_smtp_server()
    report = run_verdict([f"--{role}", spec, "--protocol", "smtp"], expected, files=[f"test_smtp_{role}.py"], timeout=280,
                         workers=2)
    failed = {r["scenario"]: r for r in report["results"] if r["outcome"] == "failed"}
    errors = [r for r in report["results"] if r["outcome"] == "error"]
    assert not errors, describe(report)
    assert set(failed) == set(expected), describe(report)
    for scenario, requirement in expected.items():
        assert requirement in failed[scenario]["message"], failed[scenario]["message"]
