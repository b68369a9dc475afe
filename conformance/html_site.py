"""Writing the HTML report to disk: one page, or an index and one page per target; artifacts copied.

* A report with more than one target and more than :data:`SPLIT_RESULTS` results is split (unless told
  otherwise): ``PATH`` is the index (verdict, per-target summary, targets, matrix, failed requirements;
  every matrix cell links into a target page) and ``STEM.TARGET.html`` beside it holds that target's
  results in full.  Each page stays small whatever the payloads (:mod:`conformance.html_wire` bounds).
* Every artifact file a result names (the raw tier's pcaps...) is copied to ``STEM-artifacts/`` beside the
  pages and linked relatively, so the report can be moved, archived or uploaded and its links still work
  after the run's temporary directories are gone.  An artifact that no longer exists is linked where it
  was (and says so in the link title).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import quote

from conformance.html_report import Page

SPLIT_RESULTS = 150


def relative_link(path: str, base: Path | None) -> str:
    """``path`` as a link from a page in directory ``base`` (relative when possible, else ``file://``)."""
    if base is not None:
        try:
            return quote(os.path.relpath(path, base))
        except ValueError:
            pass
    return "file://" + quote(os.path.abspath(path))


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.+-]", "_", name) or "_"


def copy_artifacts(data: dict, outdir: Path, stem: str) -> dict[str, str]:
    """Copy every existing artifact of ``data``'s results into ``outdir/STEM-artifacts/``; returns
    original path -> link relative to ``outdir``.  Raises OSError when the directory cannot be written."""
    links: dict[str, str] = {}
    folder = outdir / f"{stem}-artifacts"
    for i, r in enumerate(data["results"]):
        for name, path in sorted((r.get("artifacts") or {}).items()):
            if path in links:
                continue
            src = Path(path)
            if not src.is_file():
                continue
            dest = folder / f"{i}-{_safe(name)}-{_safe(src.name)}"
            folder.mkdir(parents=True, exist_ok=True)
            if not dest.exists() or src.resolve() != dest.resolve():
                shutil.copyfile(src, dest)
            links[path] = quote(f"{folder.name}/{dest.name}")
    return links


def write_site(path: Path, data: dict, *, split: bool | None = None) -> list[Path]:
    """Write the report at ``path`` (see the module docstring); returns the pages written."""
    path = Path(path)
    outdir = path.resolve().parent
    outdir.mkdir(parents=True, exist_ok=True)
    stem = path.stem
    links = copy_artifacts(data, outdir, stem)

    def artifact(p: str) -> str:
        return links.get(p) or relative_link(p, outdir)

    targets = sorted({r["target"] for r in data["results"]})
    if split is None:
        split = len(targets) > 1 and len(data["results"]) > SPLIT_RESULTS
    if not split:
        path.write_text(Page(data, artifact=artifact).render(), encoding="utf-8")
        return [path]
    pages = {t: f"{stem}.{_safe(t)}.html" for t in targets}
    result_page = {i: pages[r["target"]] for i, r in enumerate(data["results"])}
    index = Page(data, href=lambda i: f"{quote(result_page[i])}#r-{i}", artifact=artifact,
                 pages={t: quote(p) for t, p in pages.items()})
    path.write_text(index.render(), encoding="utf-8")
    written = [path]
    for t, name in pages.items():
        page = Page(data, artifact=artifact, only=t, title=t, back=quote(path.name))
        (outdir / name).write_text(page.render(), encoding="utf-8")
        written.append(outdir / name)
    return written
