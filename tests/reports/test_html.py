"""The HTML report: self-contained, shows the matrix, requirement texts, verdicts, messages, wire
transcripts (hex dump and text) and pcap links (copied next to the page); a large run is split per target
and stays small and fast; checked in a real headless Chromium (screenshot included) when one is installed."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conformance import report
from conformance.html_report import render, visible_text, write_html
from conformance.html_wire import hexdump_rows
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
    assert "00000000  68 65 6c 6c 6f 0d 0a" in page and "|hello..|" in page  # hex dump: offset, hex, ASCII
    assert "hello\\r\\n" in page and "Welcome&lt;b&gt;\\x00" in page  # text, control bytes visible
    assert "3 more not kept" in page  # bounded transcripts say so
    assert "../captures/echo-tcp-a.pcap" in page or "/tmp/captures/echo-tcp-a.pcap" in page
    assert "warning (SHOULD)" in page and "failed (MUST)" in page and "not applicable" in page
    assert "--seed 99" in page
    cells = re.findall(r"<a class='cell k-([a-z-]+)' href='#(r-\d+)'", page)
    assert sorted(k for k, _ in cells) == ["error", "fail", "not-applicable", "passed", "warning"]
    for _, anchor in cells:
        assert f"id='{anchor}'" in page


def test_hexdump_rows_have_offsets_16_bytes_and_ascii():
    rows = hexdump_rows(bytes(range(0x41, 0x41 + 20)))
    assert rows[0] == "00000000  41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|"
    assert rows[1].startswith("00000010  51 52 53 54") and rows[1].endswith("|QRST|") and len(rows) == 2


def test_artifacts_are_copied_next_to_the_page(tmp_path):
    capture = tmp_path / "run-tmp" / "echo-tcp-a.pcap"
    capture.parent.mkdir()
    capture.write_bytes(b"\xd4\xc3\xb2\xa1pcap")
    data = sample_report()
    for r in data["results"]:
        if r["artifacts"]:
            r["artifacts"]["pcap"] = str(capture)
    out = tmp_path / "site" / "r.html"
    write_html(out, data)
    shutil.rmtree(capture.parent)  # the run's temporary directory is gone
    links = re.findall(r"class='artifact' href='([^']+)'", out.read_text())
    assert links == ["r-artifacts/1-pcap-echo-tcp-a.pcap"]
    assert (out.parent / links[0]).read_bytes() == b"\xd4\xc3\xb2\xa1pcap"


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


# ---------------------------------------------------------------------- a large run
TARGETS, PER_TARGET, BIG = 6, 60, 1 << 20  # 360 results; some with 1 MiB payloads


def large_report(seed: int = 7) -> dict:
    """6 targets x 60 results: every transcript near the 16 KiB cap, one result in 10 with a 1 MiB event."""
    rng = random.Random(seed)
    kinds = [("passed", None), ("failed", "fail"), ("failed", "warning"), ("error", None), ("not-applicable", None)]
    results = []
    for t in range(TARGETS):
        for k in range(PER_TARGET):
            outcome, grade = kinds[(t + k) % len(kinds)] if k % 3 else kinds[0]
            size = BIG if k % 10 == 0 else 8192
            payload = rng.randbytes(size)
            ev = [{"t": 0.001, "dir": "send", "conn": "tcp#1", "hex": payload.hex(), "text": ""},
                  {"t": 0.2, "dir": "recv", "conn": "tcp#1", "hex": payload[:8000].hex(), "text": ""},
                  {"t": 0.3, "dir": "note", "conn": "-", "hex": b"tcp#1 closed".hex(), "text": "tcp#1 closed"}]
            r = _result(f"echo-tcp-s{k:02d}", f"t{t}", "tcp", outcome, grade, [MUST.id] if outcome == "failed" else [],
                        f"[{MUST.id}] expected: x\n  received: y" if outcome == "failed" else "", ev,
                        category=["protocol", "robustness", "timeouts", "partial-reads"][k % 4])
            results.append(r)
    targets = [{"name": f"t{t}", "protocol": "echo", "role": "server", "kind": "cmd", "spec": f"echo=name=t{t},cmd:./t{t}",
                "transports": ["tcp"]} for t in range(TARGETS)]
    return report.assemble(results, targets, seed=1, settings={"timeout": 0.5, "client_timeout": 20, "startup_timeout": 10},
                           grading="lenient")


def test_a_large_run_is_split_per_target_and_bounded(tmp_path):
    data = large_report()
    pages = write_html(tmp_path / "big.html", data)
    assert len(pages) == 1 + TARGETS and pages[0].name == "big.html"
    index = pages[0].read_text()
    assert "<table id='summary'>" in index and "class='result" not in index  # details live on target pages
    for p in pages:
        assert p.stat().st_size <= 5 * 2**20, (p.name, p.stat().st_size)
    cells = re.findall(r"<a class='cell k-[a-z-]+' href='([^'#]+)#(r-\d+)'", index)
    assert len(cells) == TARGETS * PER_TARGET
    page, anchor = cells[-1]
    assert f"id='{anchor}'" in (tmp_path / page).read_text()
    t0 = pages[1].read_text()
    assert f"more bytes not shown ({BIG} in this event" in t0 and "show all" in t0
    assert t0.count("<pre class='hexdump'>") < 10 * PER_TARGET  # folded, summarised


def _chromium_run(*args: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess, float]:
    with tempfile.TemporaryDirectory(prefix="nc-chromium-") as profile:
        t0 = time.monotonic()
        proc = subprocess.run(  # noqa: PLW1510 - the status is asserted by the callers
            [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--window-size=1280,900", *args], capture_output=True, text=True, timeout=timeout)
        return proc, time.monotonic() - t0


@pytest.mark.skipif(_chromium() is None, reason="no chromium installed (apt-get install chromium)")
@pytest.mark.timeout(300)
def test_large_run_loads_fast_in_chromium_and_its_top_shows_the_main_regions(tmp_path):
    from pngread import colours_in, read_png

    pages = write_html(tmp_path / "big.html", large_report())
    sizes = {p.name: p.stat().st_size for p in pages}
    for page in (pages[0], pages[1]):
        proc, wall = _chromium_run("--dump-dom", page.as_uri())
        assert proc.returncode == 0, proc.stderr[-2000:]
        load_ms = int(re.search(r'data-load-ms="(\d+)"', proc.stdout).group(1))
        assert load_ms < 3000, (page.name, load_ms, wall)
        print(f"{page.name}: {sizes[page.name]} bytes, parsed and scripted in {load_ms} ms, chromium wall {wall:.1f} s")
    dom, _ = _chromium_run("--dump-dom", pages[0].as_uri())
    assert f'data-ready="{TARGETS * PER_TARGET}"' in dom.stdout
    regions = json.loads(re.search(r"data-regions=\"([^\"]+)\"", dom.stdout).group(1).replace("&quot;", '"'))
    shot = tmp_path / "top.png"
    proc, _ = _chromium_run(f"--screenshot={shot}", pages[0].as_uri())
    assert shot.exists(), proc.stderr[-2000:]
    png = read_png(shot)
    assert png[0] == 1280 and png[1] == 900
    green, red, orange, purple = (0xC8, 0xE6, 0xC9), (0xFF, 0xCD, 0xD2), (0xFF, 0xE0, 0xB2), (0xE1, 0xBE, 0xE7)
    # the verdict badge (errors: "could not run everything", purple), the per-target summary (grade colours),
    # the matrix's cells
    shutil.copy(shot, Path(tempfile.gettempdir()) / "netconformance-report-top.png")  # for a person to look at
    assert regions["verdict"][1] < 100 and purple in colours_in(png, tuple(regions["verdict"]))
    assert regions["summary"][1] < 900 and {green, red, orange} <= colours_in(png, tuple(regions["summary"]))
    assert regions["targets"][1] < regions["matrix"][1] < 900
    assert green in colours_in(png, (regions["matrix"][0], regions["matrix"][1], regions["matrix"][2], 900 - regions["matrix"][1]))
