"""``class.html``: the class at a glance, one self-contained page (inline CSS and script).

* **Scores** (``<table id='scores'>``): one row per submission: score in percent and points, status and its
  reason, counts per grade (passed, failed MUST, warnings, silent passes, harness errors, not run, not
  applicable), the requirements it broke, links to its own report and Gradescope file; every column sorts
  when its header is clicked (numbers numerically), and ``class.html#sort=COLUMN[-desc]`` opens it sorted;
* **Requirements most failed** and **Scenarios most failed** (failed by N of M submissions that took them);
* a link to the class matrix (every submission's results merged, split one page per submission).
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

from conformance.grade.outputs import csv_row
from conformance.grade.score import Score
from conformance.requirements import REQUIREMENTS

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.4em 0} th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f4f4f4;cursor:pointer;user-select:none} th.sorted-asc::after{content:' \\25b2'} th.sorted-desc::after{content:' \\25bc'}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap} .st-ok{color:#1b5e20} .st-error,.st-timed{color:#b71c1c;font-weight:600}
.st-errors{color:#e65100} .bar{display:inline-block;height:.7em;background:#66bb6a;vertical-align:middle}
.muted{color:#777}
"""

SCRIPT = """
(function(){
  document.querySelectorAll('table.sortable').forEach(function(t){
    t.querySelectorAll('th').forEach(function(th, col){
      th.addEventListener('click', function(){
        var asc = !th.classList.contains('sorted-asc');
        t.querySelectorAll('th').forEach(function(h){ h.classList.remove('sorted-asc','sorted-desc'); });
        th.classList.add(asc ? 'sorted-asc' : 'sorted-desc');
        var body = t.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        rows.sort(function(a, b){
          var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
          var nx = parseFloat(x), ny = parseFloat(y), c;
          c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y));
          return asc ? c : -c;
        });
        rows.forEach(function(r){ body.appendChild(r); });
      });
    });
  });
  var m = location.hash.match(/sort=([a-z_]+)(-desc)?/);  // class.html#sort=score_percent-desc
  var th = m && document.querySelector("#scores th[data-col='" + m[1] + "']");
  if (th) { th.click(); if (m[2]) th.click(); }
  document.body.setAttribute('data-ready', String(document.querySelectorAll('#scores tbody tr').length));
})();
"""

COLUMNS = [("name", "submission"), ("protocol", "protocol"), ("role", "role"), ("score_percent", "score %"),
           ("points", "points"), ("status", "status"), ("passed", "passed"), ("failed", "failed (MUST)"),
           ("warnings", "warnings"), ("silent", "silent passes"), ("errors", "errors"), ("not_run", "not run"),
           ("not_applicable", "n/a"), ("seconds", "seconds"), ("failed_requirements", "requirements broken")]
NUMERIC = {"score_percent", "points", "passed", "failed", "warnings", "silent", "errors", "not_run", "not_applicable",
           "seconds"}


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def render_class_page(scores: list[Score], summary: dict, matrix: str | None = None) -> str:
    """The page (a str).  ``matrix``: relative link to the merged class report, if one was written."""
    out = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>class grades</title>",
           f"<style>{CSS}</style></head><body>",
           f"<h1>Class grades: {len(scores)} submissions</h1>",
           f"<p>mean score <b>{summary.get('mean_percent', 0):.2f}%</b>"
           f"{' &middot; seed ' + e(summary['seed']) if 'seed' in summary else ''}"
           f"{' &middot; wall time ' + e(summary['wall_seconds']) + ' s' if 'wall_seconds' in summary else ''}"
           f"{' &middot; <a href=' + chr(39) + e(matrix) + chr(39) + '>class matrix (every result)</a>' if matrix else ''}</p>",
           "<p class='muted'>Click a column header to sort. Silent passes earn nothing: see docs/reports.md "
           "(\"Scoring\"). A status <b>error</b> means score 0: the program did not start or answered nothing.</p>",
           "<h2>Scores</h2><table id='scores' class='sortable'><thead><tr>",
           *(f"<th data-col='{k}'>{e(label)}</th>" for k, label in COLUMNS), "<th>files</th></tr></thead><tbody>"]
    for s in scores:
        row = csv_row(s)
        out.append(f"<tr data-name='{e(s.submission.name)}'>")
        for k, _ in COLUMNS:
            v = row[k]
            if k == "score_percent":
                cell = f"<span class='bar' style='width:{float(v) / 2:.0f}px'></span> {e(v)}"
            elif k == "status":
                cell = f"<span class='st-{e(str(v).split()[0])}'>{e(v)}</span>" + (
                    f"<br><span class='muted'>{e(s.detail[:200])}</span>" if s.detail else "")
            else:
                cell = e(v)
            cls = " class='num'" if k in NUMERIC else ""
            out.append(f"<td{cls} data-v='{e(v)}'>{cell}</td>")
        name = quote(s.submission.name)
        out.append(f"<td data-v=''><a href='{name}/report.html'>report</a> "
                   f"<a href='{name}/results.json'>results.json</a></td></tr>")
    out.append("</tbody></table>")
    out += ["<h2>Requirements most failed</h2><table id='requirements' class='sortable'><thead><tr><th>requirement</th>"
            "<th>strength</th><th>failed by</th><th>of</th><th>what it asks</th></tr></thead><tbody>"]
    for r in summary.get("requirements", [])[:50]:
        req = REQUIREMENTS.get(r["id"])
        out.append(f"<tr><td data-v='{e(r['id'])}'><code>{e(r['id'])}</code></td><td data-v='{e(req.strength if req else '')}'>"
                   f"{e(req.strength if req else '?')}</td><td class='num' data-v='{r['failed_by']}'>{r['failed_by']}</td>"
                   f"<td class='num' data-v='{r['taken_by']}'>{r['taken_by']}</td><td data-v=''>{e(req.text if req else '')}"
                   f"{' <span class=muted>(' + e(req.ref) + ')</span>' if req else ''}</td></tr>")
    out += ["</tbody></table>", "<h2>Scenarios most failed</h2><table id='scenarios' class='sortable'><thead><tr>"
            "<th>scenario</th><th>failed by</th><th>of</th><th>checks</th></tr></thead><tbody>"]
    for sc in summary.get("scenarios", [])[:50]:
        out.append(f"<tr><td data-v='{e(sc['id'])}'><code>{e(sc['id'])}</code></td><td class='num' data-v='{sc['failed_by']}'>"
                   f"{sc['failed_by']}</td><td class='num' data-v='{sc['taken_by']}'>{sc['taken_by']}</td>"
                   f"<td data-v='{e(sc['title'])}'>{e(sc['title'])}</td></tr>")
    out.append(f"</tbody></table><script>{SCRIPT}</script></body></html>\n")
    return "".join(out)


def write_class_page(path: Path, scores: list[Score], summary: dict, matrix: str | None = None) -> None:
    """Write ``class.html`` (see the module docstring) to ``path``."""
    Path(path).write_text(render_class_page(scores, summary, matrix), encoding="utf-8")
