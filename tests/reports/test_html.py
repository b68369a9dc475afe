"""The HTML report: self-contained, shows the matrix, requirement texts, verdicts, messages, wire
transcripts (hex and text) and pcap links; checked in a real headless Chromium when one is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile

import pytest

from conformance import report
from conformance.html_report import render, visible_text, write_html
from conformance.requirements import REQUIREMENTS

MUST = next(r for r in REQUIREMENTS.values() if r.strength == "MUST (def)" and r.id.startswith("ECHO-TCP"))
SHOULD = next(r for r in REQUIREMENTS.values() if r.strength == "SHOULD")


def _result(scenario, target, transport, outcome, grade=None, broken=(), message="", events=(), artifacts=None,
            category="protocol", reqs=None):
    return {"scenario": scenario, "title": f"title of {scenario}", "protocol": "echo", "transport": transport,
            "role": "server", "category": category, "requirements": list(reqs or [MUST.id]), "target": target,
            "outcome": outcome, "grade": grade, "failed_requirements": list(broken), "message": message,
            "duration": 0.5, "nodeid": f"x.py::{scenario}[{target}-{transport}]", "artifacts": artifacts or {},
            "transcript": {"events": list(events), "dropped_events": 3 if events else 0}}


def sample_report() -> dict:
    ev = [{"t": 0.001, "dir": "note", "conn": "-", "hex": b"tcp#1 connected".hex(), "text": "tcp#1 connected"},
          {"t": 0.002, "dir": "send", "conn": "tcp#1", "hex": b"hello\r\n".hex(), "text": "hello\r\n"},
          {"t": 0.010, "dir": "recv", "conn": "tcp#1", "hex": b"Welcome<b>\x00".hex(), "text": "Welcome<b>\x00"}]
    results = [
        _result("echo-tcp-a", "good", "tcp", "passed"),
        _result("echo-tcp-a", "bad", "tcp", "failed", "fail", [MUST.id],
                f"[{MUST.id}] the echo differs <script>alert(1)</script>\n  expected: x\n  received: y", ev,
                {"pcap": "/tmp/captures/echo-tcp-a.pcap"}),
        _result("echo-udp-b", "bad", "udp", "failed", "warning", [SHOULD.id], f"[{SHOULD.id}] late", category="datagram-loss",
                reqs=[SHOULD.id]),
        _result("echo-udp-b", "good", "udp", "not-applicable", message="no udp"),
        _result("echo-tcp-c", "bad", "tcp", "error", message="harness error: command not found"),
    ]
    targets = [{"name": n, "protocol": "echo", "role": "server", "kind": "cmd", "spec": f"echo=name={n},cmd:./{n} {{port}}",
                "transports": ["tcp", "udp"]} for n in ("good", "bad")]
    return report.assemble(results, targets, seed=99, settings={"timeout": 0.5, "client_timeout": 20, "startup_timeout": 10},
                           grading="lenient")


def test_page_holds_matrix_requirements_transcript_and_links(tmp_path):
    page = render(sample_report(), tmp_path)
    assert "<table id='matrix'>" in page
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page  # nothing to fetch
    assert MUST.text in page and SHOULD.text in page  # requirement texts in our words
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page  # escaped
    assert "68 65 6c 6c 6f 0d 0a" in page  # hex of what was sent
    assert "hello\\r\\n" in page and "Welcome&lt;b&gt;\\x00" in page  # text, control bytes visible
    assert "3 more not kept" in page  # bounded transcripts say so
    assert "../captures/echo-tcp-a.pcap" in page or "/tmp/captures/echo-tcp-a.pcap" in page
    assert "warning (SHOULD)" in page and "failed (MUST)" in page and "not applicable" in page
    assert "--seed 99" in page
    cells = re.findall(r"<a class='cell k-([a-z-]+)' href='#(r-\d+)'", page)
    assert sorted(k for k, _ in cells) == ["error", "fail", "not-applicable", "passed", "warning"]
    for _, anchor in cells:
        assert f"id='{anchor}'" in page


def test_visible_text():
    assert visible_text(b"a\\b\r\n\x00\xff\t") == "a\\\\b\\r\\n\n\\x00\\xff\\t"


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_chromium() is None, reason="no chromium installed (apt-get install chromium)")
def test_headless_chromium_loads_the_report_and_finds_the_matrix(tmp_path):
    path = tmp_path / "report.html"
    write_html(path, sample_report())
    with tempfile.TemporaryDirectory(prefix="nc-chromium-") as profile:
        proc = subprocess.run(  # noqa: PLW1510 - the status is asserted below
            [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom", path.as_uri()],
            capture_output=True, text=True, timeout=120)
    dom = proc.stdout
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert '<table id="matrix">' in dom, dom[:2000]
    # the page's script ran in the browser: it counted the matrix cells
    assert 'data-ready="5"' in dom and "matrix: 5 results" in dom
    assert 'class="result r-fail"' in dom and " open" in dom
