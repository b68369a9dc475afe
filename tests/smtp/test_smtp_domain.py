"""``--smtp-domain`` (DESIGN §4): the recipients of the SMTP scenarios are local parts at one domain, which
a server under test must accept.  The option reaches the scenarios, the reference (which delivers for
it) and a command's ``{domain}`` placeholder; a server configured for another domain refuses the
recipients and fails, so the domain is really the one used on the wire."""

from __future__ import annotations

import subprocess

from harness import PY, ROOT, describe, failed, run_scenarios

DELIVERY = "test_transaction or test_local_part_case or test_no_relay or test_basic"  # pytest -k takes function names
REF_CMD = "smtp=name=refcmd,cmd:{python} -m reference_servers.smtp --port {port} --maildir {maildir} --domain %s"


def test_reference_delivers_for_the_chosen_domain():
    report = run_scenarios(["--smtp-domain", "mail.netconformance.test", "-k", DELIVERY],
                           files=["test_smtp_server.py", "test_smtp_client.py"])
    passed = {r["scenario"] for r in report["results"] if r["outcome"] == "passed"}
    assert {"smtp-server-transaction", "smtp-server-local-part-case", "smtp-server-no-relay"} <= passed, describe(report)
    assert "smtp-client-basic" in passed and not failed(report), describe(report)


def test_domain_placeholder_reaches_a_command_server():
    report = run_scenarios(["--server", REF_CMD % "{domain}", "--smtp-domain", "mail.netconformance.test",
                            "-k", "test_transaction"], files=["test_smtp_server.py"])
    assert [r["outcome"] for r in report["results"]] == ["passed"], describe(report)


def test_server_for_another_domain_fails_with_the_recipient_named():
    report = run_scenarios(["--server", REF_CMD % "other.test", "--smtp-domain", "mail.netconformance.test",
                            "-k", "test_transaction"], files=["test_smtp_server.py"])
    assert failed(report) == {"smtp-server-transaction"}, describe(report)
    message = report["results"][0]["message"]
    assert "mail.netconformance.test" in message and "550" in message, message


def test_a_bad_domain_is_one_clear_line():
    proc = subprocess.run([PY, "-m", "conformance", "run", "--protocol", "smtp", "--smtp-domain", "not a domain"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out[-2000:]
    assert "--smtp-domain: 'not a domain' is not a domain" in out and "Traceback" not in out, out[-2000:]
