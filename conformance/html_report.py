"""The HTML report: one self-contained file (inline CSS and script, no network) a person can act on.

What it shows, top to bottom:

* the run: when, seed (to replay), grading, timeouts, totals and grades;
* the targets under test;
* **the conformance matrix** (``<table id="matrix">``): for each protocol and role, one row per scenario
  grouped by category, one column per target; each cell holds one coloured link per transport
  (passed, failed, warning, info, error, skipped, not-applicable) to the scenario's details;
* the requirements that failed, most failed first, with their text in our words;
* per result: the scenario's title, outcome and grade, its requirement ids with strength, RFC section and
  text (the ones the failure names highlighted), the message (sent / expected / received), informational
  observations (a cell with some is marked ``*``), the wire
  transcript (time in seconds, connection, direction, length, text and hex of the bytes in both
  directions) and links to artifacts such as the pcap the packet tier captured.

Built from a JSON report (:mod:`conformance.report`, schema ``/2``), so ``python -m conformance html`` can
render any saved or merged report.
"""

from __future__ import annotations

import html
import os
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

from conformance.requirements import REQUIREMENTS
from conformance.verdicts import grade_of_strength

SYMBOL = {"passed": "\u2713", "fail": "\u2717", "warning": "!", "info": "i", "error": "E", "skipped": "s",
          "not-applicable": "n/a"}
LABEL = {"passed": "passed", "fail": "failed (MUST)", "warning": "warning (SHOULD)", "info": "info (MAY)",
         "error": "harness error", "skipped": "skipped", "not-applicable": "not applicable"}

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff}
h1{font-size:1.5em;margin:.2em 0} h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ccc}
h3{font-size:1.05em;margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.4em 0} th,td{border:1px solid #ddd;padding:2px 6px;vertical-align:top;text-align:left}
th{background:#f4f4f4} tr.cat th{background:#e8eef7;text-align:left}
.k-passed{background:#c8e6c9;color:#1b5e20} .k-fail{background:#ffcdd2;color:#b71c1c}
.k-warning{background:#ffe0b2;color:#e65100} .k-info{background:#bbdefb;color:#0d47a1}
.k-error{background:#e1bee7;color:#4a148c} .k-skipped,.k-not-applicable{background:#eee;color:#666}
a.cell{display:inline-block;min-width:2.2em;margin:1px;padding:0 4px;border-radius:3px;text-decoration:none;text-align:center;font-weight:600}
.badge{display:inline-block;padding:0 6px;border-radius:3px;font-weight:600}
pre{white-space:pre-wrap;word-break:break-all;margin:0;font:12px/1.35 ui-monospace,monospace}
details.result{border:1px solid #ddd;border-radius:4px;margin:.4em 0;padding:.2em .6em;background:#fff;color:#222}
details.result>summary{cursor:pointer} .muted{color:#777} .broken{font-weight:700}
td.send{color:#0d47a1} td.recv{color:#1b5e20} td.note{color:#777}
table.transcript td{font-size:12px} .legend span{margin-right:.6em}
#filters button{margin-right:.4em}
body.only-bad details.r-passed, body.only-bad details.r-skipped,
body.only-bad details.r-not-applicable{display:none}
"""

SCRIPT = """
(function(){
  var cells = document.querySelectorAll('#matrix a.cell');
  var st = document.getElementById('matrix-status');
  if (st) { st.textContent = 'matrix: ' + cells.length + ' results'; }
  document.body.setAttribute('data-ready', String(cells.length));
  function openTarget(){
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.tagName === 'DETAILS') { el.open = true; }
  }
  window.addEventListener('hashchange', openTarget); openTarget();
  var b = document.getElementById('only-bad');
  if (b) b.addEventListener('click', function(){ document.body.classList.toggle('only-bad'); });
  var o = document.getElementById('open-all');
  if (o) o.addEventListener('click', function(){
    document.querySelectorAll('details.result').forEach(function(d){ d.open = !d.open; });
  });
})();
"""


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def kind(result: dict) -> str:
    """Colour key of a result: passed, fail, warning, info, error, skipped or not-applicable."""
    if result["outcome"] == "failed":
        return result.get("grade") or "fail"
    return result["outcome"]


def visible_text(data: bytes) -> str:
    """Bytes as readable text: printable ASCII as is, CR/LF/TAB as ``\\r \\n \\t`` (LF also breaks the
    line), a backslash as ``\\\\``, anything else as ``\\xNN``."""
    out = []
    for b in data:
        if b == 0x0A:
            out.append("\\n\n")
        elif b == 0x0D:
            out.append("\\r")
        elif b == 0x09:
            out.append("\\t")
        elif b == 0x5C:
            out.append("\\\\")
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append(f"\\x{b:02x}")
    return "".join(out)


def _hex_lines(data: bytes) -> str:
    return "\n".join(data[i:i + 16].hex(" ") for i in range(0, len(data), 16))


def _anchor(index: int) -> str:
    return f"r-{index}"


def _link(path: str, base: Path | None) -> str:
    if base is not None:
        try:
            return quote(os.path.relpath(path, base))
        except ValueError:
            pass
    return "file://" + quote(os.path.abspath(path))


class _Page:
    def __init__(self, data: dict, base: Path | None) -> None:
        self.data = data
        self.base = base
        self.results = data["results"]
        self.index = {id(r): i for i, r in enumerate(self.results)}
        self.out: list[str] = []

    def w(self, *parts: str) -> None:
        self.out.extend(parts)

    # -------------------------------------------------------------- sections
    def header(self) -> None:
        d = self.data
        t, g = d["totals"], d.get("grades", {})
        status = d.get("status")
        verdict = {0: ("passed", "conforms"), 1: ("fail", "does not conform"), 2: ("error", "could not run everything")}
        k, word = verdict.get(status, ("skipped", "unknown"))
        self.w(f"<h1>netconformance report <span class='badge k-{k}'>{e(word)}</span></h1>")
        s = d.get("settings", {})
        self.w("<p>", f"generated {e(d.get('generated', ''))} &middot; seed <b>{e(d.get('seed'))}</b> "
               f"(replay: <code>--seed {e(d.get('seed'))}</code>) &middot; grading <b>{e(d.get('grading', 'strict'))}</b>"
               f" &middot; timeout T={e(s.get('timeout'))} s, client timeout {e(s.get('client_timeout'))} s</p>")
        if d.get("shards"):
            self.w(f"<p class='muted'>merged from {len(d['shards'])} shards (seeds "
                   f"{e(', '.join(str(x['seed']) for x in d['shards']))})</p>")
        self.w("<p>")
        for key, n in (("passed", t.get("passed", 0)), ("fail", g.get("fail", 0)), ("warning", g.get("warning", 0)),
                       ("info", g.get("info", 0)), ("error", t.get("error", 0)), ("skipped", t.get("skipped", 0)),
                       ("not-applicable", t.get("not-applicable", 0))):
            self.w(f"<span class='badge k-{key}'>{e(LABEL[key])}: {n}</span> ")
        self.w("</p>")
        self.w("<p class='legend muted'>Failed MUST requirements fail the run; failed SHOULD/de-facto requirements are "
               "warnings (they fail only with <code>--strict</code>); MAY/informational observations never fail. "
               "Click a cell of the matrix for what was sent, expected and received.</p>")

    def targets(self) -> None:
        self.w("<h2 id='targets'>Targets</h2><table><tr><th>name</th><th>protocol</th><th>role</th><th>kind</th>"
               "<th>transports</th><th>spec</th></tr>")
        for t in self.data["targets"]:
            self.w(f"<tr><td>{e(t['name'])}</td><td>{e(t['protocol'])}</td><td>{e(t['role'])}</td><td>{e(t['kind'])}</td>"
                   f"<td>{e('/'.join(t['transports']))}</td><td><code>{e(t['spec'])}</code></td></tr>")
        self.w("</table>")

    def matrix(self) -> None:
        self.w("<h2>Conformance matrix</h2><p id='matrix-status' class='muted'></p>",
               "<div id='filters'><button id='only-bad' type='button'>show only failures, warnings and errors</button>"
               "<button id='open-all' type='button'>expand / collapse all details</button></div>")
        groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for r in self.results:
            groups[(r["protocol"], r["role"])].append(r)
        declared = defaultdict(list)
        for t in self.data["targets"]:
            declared[(t["protocol"], t["role"])].append(t["name"])
        self.w("<table id='matrix'>")
        for (proto, role), rs in sorted(groups.items()):
            names = list(dict.fromkeys(declared[(proto, role)] + sorted({r["target"] for r in rs})))
            names = [n for n in names if any(r["target"] == n for r in rs)]
            self.w(f"<tbody class='group' data-protocol='{e(proto)}' data-role='{e(role)}'>",
                   f"<tr><th colspan='{len(names) + 2}'><h3 id='m-{e(proto)}-{e(role)}'>{e(proto)} {e(role)}</h3></th></tr>",
                   "<tr><th>scenario</th><th>requirements</th>" + "".join(f"<th>{e(n)}</th>" for n in names) + "</tr>")
            by_cat: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
            for r in rs:
                by_cat[r["category"]][r["scenario"]].append(r)
            for cat in sorted(by_cat):
                self.w(f"<tr class='cat'><th colspan='{len(names) + 2}'>{e(cat)}</th></tr>")
                for sid in sorted(by_cat[cat]):
                    runs = by_cat[cat][sid]
                    first = runs[0]
                    self.w(f"<tr><td title='{e(first['title'])}'><code>{e(sid)}</code><br><span class='muted'>"
                           f"{e(first['title'])}</span></td><td>{e(', '.join(first['requirements']))}</td>")
                    for n in names:
                        self.w("<td>")
                        for r in sorted((r for r in runs if r["target"] == n), key=lambda r: r["transport"]):
                            k = kind(r)
                            seen = "; ".join(r.get("observations") or ())
                            self.w(f"<a class='cell k-{k}' href='#{_anchor(self.index[id(r)])}' "
                                   f"title='{e(r['transport'])}: {e(LABEL[k])}{e(' - ' + seen) if seen else ''}'>"
                                   f"{e(r['transport'])} {SYMBOL[k]}{' *' if seen else ''}</a>")
                        self.w("</td>")
                    self.w("</tr>")
            self.w("</tbody>")
        self.w("</table>")

    def failed_requirements(self) -> None:
        counts: Counter = Counter()
        targets: dict[str, set] = defaultdict(set)
        for r in self.results:
            if r["outcome"] == "failed":
                for rid in r.get("failed_requirements") or r["requirements"]:
                    counts[rid] += 1
                    targets[rid].add(r["target"])
        if not counts:
            return
        self.w("<h2 id='failed-requirements'>Requirements not met</h2><table><tr><th>requirement</th><th>strength</th>"
               "<th>grade</th><th>results</th><th>targets</th><th>what it asks</th></tr>")
        rank = {"fail": 0, "warning": 1, "info": 2}

        def strength_grade(rid: str) -> str:
            return grade_of_strength(REQUIREMENTS[rid].strength) if rid in REQUIREMENTS else "fail"

        for rid, n in sorted(counts.items(), key=lambda kv: (rank[strength_grade(kv[0])], -kv[1], kv[0])):
            req = REQUIREMENTS.get(rid)
            strength = req.strength if req else "?"
            g = strength_grade(rid)
            self.w(f"<tr><td><code>{e(rid)}</code></td><td>{e(strength)}</td><td><span class='badge k-{g}'>{e(g)}</span></td>"
                   f"<td>{n}</td><td>{e(', '.join(sorted(targets[rid])))}</td>"
                   f"<td>{e(req.text if req else '(not in this version of the catalog)')}"
                   f"{' <span class=muted>(' + e(req.ref) + ')</span>' if req else ''}</td></tr>")
        self.w("</table>")

    def details(self) -> None:
        self.w("<h2 id='details'>Results</h2>")
        for i, r in enumerate(self.results):
            k = kind(r)
            is_open = " open" if k in ("fail", "warning", "info", "error") else ""
            self.w(f"<details class='result r-{k}' id='{_anchor(i)}'{is_open}><summary>"
                   f"<span class='badge k-{k}'>{e(LABEL[k])}</span> <code>{e(r['scenario'])}</code> "
                   f"on <b>{e(r['target'])}</b>/{e(r['transport'])} &mdash; {e(r['title'])} "
                   f"<span class='muted'>({e(r['protocol'])} {e(r['role'])}, {e(r['category'])}, {r['duration']:.2f} s)</span>"
                   "</summary>")
            self.requirements_of(r)
            if r.get("message"):
                self.w(f"<h4>Message</h4><pre class='message'>{e(r['message'])}</pre>")
            if r.get("observations"):
                self.w("<h4>Observations (informational)</h4><ul class='observations'>",
                       *(f"<li>{e(o)}</li>" for o in r["observations"]), "</ul>")
            for name, path in sorted((r.get("artifacts") or {}).items()):
                self.w(f"<p>{e(name)}: <a class='artifact' href='{e(_link(path, self.base))}'>{e(path)}</a></p>")
            self.transcript(r.get("transcript") or {})
            self.w(f"<p class='muted'>pytest node: <code>{e(r['nodeid'])}</code></p></details>")

    def requirements_of(self, r: dict) -> None:
        broken = set(r.get("failed_requirements") or ())
        self.w("<table class='reqs'><tr><th>requirement</th><th>strength</th><th>RFC</th><th>in our words</th></tr>")
        for rid in r["requirements"] + [x for x in r.get("failed_requirements") or () if x not in r["requirements"]]:
            req = REQUIREMENTS.get(rid)
            cls = " class='broken'" if rid in broken else ""
            mark = " \u2717" if rid in broken else ""
            self.w(f"<tr{cls}><td><code>{e(rid)}</code>{mark}</td><td>{e(req.strength if req else '?')}</td>"
                   f"<td>{e(req.ref if req else '')}</td><td>{e(req.text if req else '(not in this version of the catalog)')}</td></tr>")
        self.w("</table>")

    def transcript(self, tr: dict) -> None:
        events = tr.get("events") or []
        dropped = tr.get("dropped_events", 0)
        if not events:
            self.w("<p class='muted'>no wire transcript (nothing exchanged through the harness)</p>")
            return
        self.w(f"<h4>Wire transcript ({len(events)} events{f', {dropped} more not kept' if dropped else ''})</h4>",
               "<table class='transcript'><tr><th>t (s)</th><th>conn</th><th>dir</th><th>bytes</th><th>text</th><th>hex</th></tr>")
        arrows = {"send": "\u2192 to target", "recv": "\u2190 from target", "note": "note"}
        for ev in events:
            data = bytes.fromhex(ev.get("hex", ""))
            d = ev.get("dir", "note")
            if d == "note":
                self.w(f"<tr><td>{ev['t']:.3f}</td><td>{e(ev.get('conn', ''))}</td><td class='note'>note</td><td></td>"
                       f"<td colspan='2' class='note'>{e(data.decode('utf-8', 'replace'))}</td></tr>")
                continue
            self.w(f"<tr><td>{ev['t']:.3f}</td><td>{e(ev.get('conn', ''))}</td><td class='{e(d)}'>{e(arrows.get(d, d))}</td>"
                   f"<td>{len(data)}</td><td><pre>{e(visible_text(data))}</pre></td><td><pre>{e(_hex_lines(data))}</pre></td></tr>")
        self.w("</table>")

    def render(self) -> str:
        self.w("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
               "<meta name='viewport' content='width=device-width, initial-scale=1'>",
               f"<title>netconformance report {e(self.data.get('generated', ''))}</title><style>{CSS}</style></head><body>")
        self.header()
        self.targets()
        self.matrix()
        self.failed_requirements()
        self.details()
        self.w(f"<script>{SCRIPT}</script></body></html>\n")
        return "".join(self.out)


def render(data: dict, base: Path | None = None) -> str:
    """The HTML page of a ``/2`` JSON report.  ``base``: directory the page is written to (artifact links
    are made relative to it)."""
    return _Page(data, base).render()


def write_html(path: Path, data: dict) -> None:
    """Write the self-contained HTML report of ``data`` (a ``/2`` report dict) to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(data, path.resolve().parent), encoding="utf-8")
