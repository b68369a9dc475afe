"""The HTML report: self-contained pages (inline CSS and script, no network) a person can act on.

What a page shows, top to bottom:

* the run: verdict, when, seed (to replay), grading, timeouts, totals and grades;
* **per-target summary** (``<table id='summary'>``): per target, counts per grade, and per category
  passed/applicable (coloured);
* the targets under test;
* **the conformance matrix** (``<table id='matrix'>``): for each protocol and role, one row per scenario
  grouped by category, one column per target; each cell holds one coloured link per transport
  (passed, failed, warning, info, error, skipped, not-applicable) to the scenario's details;
* the requirements that failed, most failed first, with their text in our words;
* per result: the scenario's title, outcome and grade, its requirement ids with strength, RFC section and
  text (the ones the failure names highlighted), the message (sent / expected / received), informational
  observations (a cell with some is marked ``*``), artifact links, and the wire transcript as a hex dump
  (:mod:`conformance.html_wire`: offset, 16 bytes a row, ASCII; folded, long payloads summarised).

A large run (several targets and more than :data:`conformance.html_site.SPLIT_RESULTS` results) is written
as an index page (everything above but the per-result details) and one page per target, as Autobahn's
reports are (:mod:`conformance.html_site`); artifacts (pcaps) are copied next to the pages and linked
relatively, so the pages outlive the run's temporary directories.

Built from a JSON report (:mod:`conformance.report`, schema ``/2``), so ``python -m conformance html`` can
render any saved or merged report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from conformance.html_wire import e, render_transcript, visible_text
from conformance.requirements import REQUIREMENTS
from conformance.verdicts import grade_of_strength

__all__ = ["render", "write_html", "visible_text", "kind"]

SYMBOL = {"passed": "\u2713", "fail": "\u2717", "warning": "!", "info": "i", "error": "E", "skipped": "s",
          "not-applicable": "n/a"}
LABEL = {"passed": "passed", "fail": "failed (MUST)", "warning": "warning (SHOULD)", "info": "info (MAY)",
         "error": "harness error", "skipped": "skipped", "not-applicable": "not applicable"}
KINDS = list(SYMBOL)

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fff;max-width:1400px}
h1{font-size:1.5em;margin:.2em 0} h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ccc}
h3{font-size:1.05em;margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.4em 0} th,td{border:1px solid #ddd;padding:2px 6px;vertical-align:top;text-align:left}
th{background:#f4f4f4} tr.cat th{background:#e8eef7;text-align:left} td.num{text-align:right}
.k-passed{background:#c8e6c9;color:#1b5e20} .k-fail{background:#ffcdd2;color:#b71c1c}
.k-warning{background:#ffe0b2;color:#e65100} .k-info{background:#bbdefb;color:#0d47a1}
.k-error{background:#e1bee7;color:#4a148c} .k-skipped,.k-not-applicable{background:#eee;color:#666}
a.cell{display:inline-block;min-width:2.2em;margin:1px;padding:0 4px;border-radius:3px;text-decoration:none;text-align:center;font-weight:600}
.badge{display:inline-block;padding:0 6px;border-radius:3px;font-weight:600}
pre{margin:0;font:12px/1.35 ui-monospace,monospace} pre.message,pre.text{white-space:pre-wrap;word-break:break-all}
pre.hexdump{white-space:pre;overflow-x:auto;background:#fafafa;padding:2px 4px}
details.result{border:1px solid #ddd;border-radius:4px;margin:.4em 0;padding:.2em .6em;background:#fff;color:#222}
details.result>summary{cursor:pointer} .muted{color:#777} .broken{font-weight:700}
.ev{margin:.35em 0;padding-left:.4em;border-left:3px solid #ccc} .ev-send{border-color:#0d47a1} .ev-recv{border-color:#1b5e20}
.ev .t,.ev .conn,.ev .n{color:#555;font-size:12px} .ev-send .dir{color:#0d47a1} .ev-recv .dir{color:#1b5e20}
.note,.summarised{color:#777;font-size:12px} details.more>summary{cursor:pointer;color:#0d47a1;font-size:12px}
.legend span{margin-right:.6em} #filters button{margin-right:.4em}
body.only-bad details.r-passed, body.only-bad details.r-skipped,
body.only-bad details.r-not-applicable{display:none}
"""

SCRIPT = """
(function(){
  var cells = document.querySelectorAll('#matrix a.cell');
  var st = document.getElementById('matrix-status');
  if (st) { st.textContent = 'matrix: ' + cells.length + ' results'; }
  document.body.setAttribute('data-ready', String(cells.length));
  document.body.setAttribute('data-load-ms', String(Math.round(performance.now())));
  var regions = {};
  ['verdict','summary','targets','matrix'].forEach(function(id){
    var el = document.getElementById(id);
    if (el) { var r = el.getBoundingClientRect(); regions[id] = [Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height)]; }
  });
  document.body.setAttribute('data-regions', JSON.stringify(regions));
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


def kind(result: dict) -> str:
    """Colour key of a result: passed, fail, warning, info, error, skipped or not-applicable."""
    if result["outcome"] == "failed":
        return result.get("grade") or "fail"
    return result["outcome"]


def _anchor(index: int) -> str:
    return f"r-{index}"


class Page:
    """One page of the report.

    ``href(i)``: link to result ``i``'s details (default ``#r-i`` on this page); ``artifact(path)``: link
    text for an artifact path (default: as given); ``only``: target whose details this page holds (None:
    all, the single-page report); ``index``: the index of a split report (no details, links to the
    target pages ``pages[target]``); ``back``: link of a target page to its index."""

    def __init__(self, data: dict, *, href=None, artifact=None, only: str | None = None,
                 pages: dict[str, str] | None = None, title: str = "", back: str = "") -> None:
        self.data = data
        self.results = data["results"]
        self.href = href or (lambda i: f"#{_anchor(i)}")
        self.artifact = artifact or (lambda path: path)
        self.only = only
        self.pages = pages
        self.title = title
        self.back = back
        self.out: list[str] = []

    def w(self, *parts: str) -> None:
        self.out.extend(parts)

    # -------------------------------------------------------------- sections
    def header(self) -> None:
        d = self.data
        t, g = d["totals"], d.get("grades", {})
        verdict = {0: ("passed", "conforms"), 1: ("fail", "does not conform"), 2: ("error", "could not run everything")}
        k, word = verdict.get(d.get("status"), ("skipped", "unknown"))
        self.w(f"<h1 id='verdict'>netconformance report{': ' + e(self.title) if self.title else ''} "
               f"<span class='badge k-{k}'>{e(word)}</span></h1>")
        if self.back:
            self.w(f"<p><a id='back' href='{e(self.back)}'>&larr; all targets (index)</a></p>")
        s = d.get("settings", {})
        self.w("<p>", f"generated {e(d.get('generated', ''))} &middot; seed <b>{e(d.get('seed'))}</b> "
               f"(replay: <code>--seed {e(d.get('seed'))}</code>) &middot; grading <b>{e(d.get('grading', 'strict'))}</b>"
               f" &middot; timeout T={e(s.get('timeout'))} s, client timeout {e(s.get('client_timeout'))} s</p>")
        if d.get("shards"):
            self.w(f"<p class='muted'>merged from {len(d['shards'])} shards (seeds "
                   f"{e(', '.join(str(x['seed']) for x in d['shards']))})</p>")
        counts = Counter(kind(r) for r in self.results)
        self.w("<p>", *(f"<span class='badge k-{key}'>{e(LABEL[key])}: {counts.get(key, 0)}</span> " for key in KINDS), "</p>")
        if t.get("passed", 0) + sum(g.values()) == 0 and not self.results:
            self.w("<p class='muted'>no results</p>")
        self.w("<p class='legend muted'>Failed MUST requirements fail the run; failed SHOULD/de-facto requirements are "
               "warnings (they fail only with <code>--strict</code>); MAY/informational observations never fail. "
               "Click a cell of the matrix for what was sent, expected and received.</p>")

    def summary(self) -> None:
        per: dict[str, Counter] = defaultdict(Counter)
        cats: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
        for r in self.results:
            k = kind(r)
            per[r["target"]][k] += 1
            cats[r["target"]][r["category"]][k] += 1
        categories = sorted({r["category"] for r in self.results})
        self.w("<h2>Summary per target</h2><table id='summary'><thead><tr><th>target</th>",
               *(f"<th class='k-{k}'>{e(LABEL[k])}</th>" for k in KINDS), "<th>passed / applicable</th>",
               *(f"<th>{e(c)}</th>" for c in categories), "</tr></thead><tbody>")
        for name in sorted(per):
            c = per[name]
            applicable = sum(n for k, n in c.items() if k not in ("skipped", "not-applicable"))
            link = f"<a href='{e(self.pages[name])}'>{e(name)}</a>" if self.pages and name in self.pages else e(name)
            self.w(f"<tr><td>{link}</td>", *(f"<td class='num'>{c.get(k, 0) or ''}</td>" for k in KINDS),
                   f"<td class='num'><b>{c.get('passed', 0) + c.get('info', 0)}/{applicable}</b></td>")
            for cat in categories:
                cc = cats[name][cat]
                appl = sum(n for k, n in cc.items() if k not in ("skipped", "not-applicable"))
                ok = cc.get("passed", 0) + cc.get("info", 0)
                worst = next((k for k in ("fail", "error", "warning") if cc.get(k)), "passed" if appl else "skipped")
                self.w(f"<td class='num k-{worst}'>{f'{ok}/{appl}' if cc else ''}</td>")
            self.w("</tr>")
        self.w("</tbody></table>")

    def targets(self) -> None:
        self.w("<h2 id='targets'>Targets</h2><table><tr><th>name</th><th>protocol</th><th>role</th><th>kind</th>"
               "<th>transports</th><th>spec</th></tr>")
        for t in self.data["targets"]:
            if self.only is not None and t["name"] != self.only:
                continue
            self.w(f"<tr><td>{e(t['name'])}</td><td>{e(t['protocol'])}</td><td>{e(t['role'])}</td><td>{e(t['kind'])}</td>"
                   f"<td>{e('/'.join(t['transports']))}</td><td><code>{e(t['spec'])}</code></td></tr>")
        self.w("</table>")

    def matrix(self) -> None:
        self.w("<h2>Conformance matrix</h2><p id='matrix-status' class='muted'></p>")
        if self.pages is None:
            self.w("<div id='filters'><button id='only-bad' type='button'>show only failures, warnings and errors</button>"
                   "<button id='open-all' type='button'>expand / collapse all details</button></div>")
        groups: dict[tuple[str, str], list[tuple[int, dict]]] = defaultdict(list)
        for i, r in enumerate(self.results):
            if self.only is None or r["target"] == self.only:
                groups[(r["protocol"], r["role"])].append((i, r))
        declared = defaultdict(list)
        for t in self.data["targets"]:
            declared[(t["protocol"], t["role"])].append(t["name"])
        self.w("<table id='matrix'>")
        for (proto, role), rs in sorted(groups.items()):
            present = {r["target"] for _, r in rs}
            names = [n for n in dict.fromkeys(declared[(proto, role)] + sorted(present)) if n in present]
            self.w(f"<tbody class='group' data-protocol='{e(proto)}' data-role='{e(role)}'>",
                   f"<tr><th colspan='{len(names) + 2}'><h3 id='m-{e(proto)}-{e(role)}'>{e(proto)} {e(role)}</h3></th></tr>",
                   "<tr><th>scenario</th><th>requirements</th>" + "".join(f"<th>{e(n)}</th>" for n in names) + "</tr>")
            by_cat: dict[str, dict[str, list[tuple[int, dict]]]] = defaultdict(lambda: defaultdict(list))
            for i, r in rs:
                by_cat[r["category"]][r["scenario"]].append((i, r))
            for cat in sorted(by_cat):
                self.w(f"<tr class='cat'><th colspan='{len(names) + 2}'>{e(cat)}</th></tr>")
                for sid in sorted(by_cat[cat]):
                    runs = by_cat[cat][sid]
                    first = runs[0][1]
                    self.w(f"<tr><td title='{e(first['title'])}'><code>{e(sid)}</code><br><span class='muted'>"
                           f"{e(first['title'])}</span></td><td>{e(', '.join(first['requirements']))}</td>")
                    for n in names:
                        self.w("<td>")
                        for i, r in sorted((x for x in runs if x[1]["target"] == n), key=lambda x: x[1]["transport"]):
                            k = kind(r)
                            seen = "; ".join(r.get("observations") or ())
                            self.w(f"<a class='cell k-{k}' href='{e(self.href(i))}' "
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
            if r["outcome"] == "failed" and (self.only is None or r["target"] == self.only):
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
            g = strength_grade(rid)
            self.w(f"<tr><td><code>{e(rid)}</code></td><td>{e(req.strength if req else '?')}</td>"
                   f"<td><span class='badge k-{g}'>{e(g)}</span></td><td>{n}</td><td>{e(', '.join(sorted(targets[rid])))}</td>"
                   f"<td>{e(req.text if req else '(not in this version of the catalog)')}"
                   f"{' <span class=muted>(' + e(req.ref) + ')</span>' if req else ''}</td></tr>")
        self.w("</table>")

    def details(self) -> None:
        self.w("<h2 id='details'>Results</h2>")
        for i, r in enumerate(self.results):
            if self.only is not None and r["target"] != self.only:
                continue
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
                link = self.artifact(path)
                self.w(f"<p>{e(name)}: <a class='artifact' href='{e(link)}'>{e(link)}</a> "
                       f"<span class='muted'>(captured as {e(path)})</span></p>")
            self.w(render_transcript(r.get("transcript") or {}))
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

    def render(self) -> str:
        self.w("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
               "<meta name='viewport' content='width=device-width, initial-scale=1'>",
               f"<title>netconformance report {e(self.title or self.data.get('generated', ''))}</title>"
               f"<style>{CSS}</style></head><body>")
        self.header()
        if self.only is None:
            self.summary()
        self.targets()
        self.matrix()
        self.failed_requirements()
        if self.pages is None:
            self.details()
        self.w(f"<script>{SCRIPT}</script></body></html>\n")
        return "".join(self.out)


def render(data: dict, base: Path | None = None) -> str:
    """The single HTML page of a ``/2`` JSON report.  ``base``: directory the page is written to (artifact
    links are made relative to it; they are not copied: :func:`write_html` does that)."""
    from conformance.html_site import relative_link

    return Page(data, artifact=lambda p: relative_link(p, base)).render()


def write_html(path: Path, data: dict, *, split: bool | None = None) -> list[Path]:
    """Write the HTML report of ``data`` (a ``/2`` report dict) at ``path``: one page, or (``split``, by
    default for large runs) ``path`` as the index and one page per target next to it; artifacts are copied
    into ``<stem>-artifacts/`` beside it.  Returns the pages written.  Raises OSError."""
    from conformance.html_site import write_site

    return write_site(Path(path), data, split=split)
