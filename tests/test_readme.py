"""The README's scenario table is the catalog's: counts per protocol, role and category, and the total."""

from __future__ import annotations

import re
from collections import Counter

from harness import ROOT

from conformance.registry import load_all


def test_scenario_table_matches_the_catalog():
    text = (ROOT / "README.md").read_text()
    header = re.search(r"^\| protocol / role \|(.*)\| total \|$", text, re.M)
    assert header, "the README has no scenario table"
    categories = [c.strip() for c in header.group(1).split("|")]
    counts = Counter((s.protocol, s.role, s.category) for s in load_all().values())
    rows = {}
    for m in re.finditer(r"^\| (\w+) (server|client) \|(.*)\| (\d+) \|$", text, re.M):
        cells = [c.strip() for c in m.group(3).split("|")]
        rows[(m.group(1), m.group(2))] = ({c: int(v) for c, v in zip(categories, cells) if v}, int(m.group(4)))
    want = {}
    for (proto, role, cat), n in counts.items():
        want.setdefault((proto, role), ({}, 0))
        per, total = want[(proto, role)]
        per[cat] = n
        want[(proto, role)] = (per, total + n)
    assert rows == want
    total = sum(counts.values())
    assert f"{total} scenarios:" in text and f"**{total}** |" in text
