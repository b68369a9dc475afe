"""Wire transcripts in the HTML report: each event as a header line and a proper hex dump.

A hex dump row is ``OFFSET  16 bytes in hex (two groups of 8)  |ASCII|`` (non-printable bytes as ``.``).
Bounds keep a page readable and small whatever the payloads (the JSON report keeps up to 16 KiB a
scenario; the raw bytes stay there):

* the first :data:`SHOWN_ROWS` rows of an event are shown; the rest, up to :data:`EVENT_BYTES`, are folded
  in a ``<details class='more'>`` ("show all N rows");
* beyond :data:`EVENT_BYTES` an event, and beyond :data:`RESULT_BYTES` a result, is summarised: byte count,
  the last 16 bytes and where the rest is (the JSON report);
* events of up to :data:`TEXT_BYTES` bytes also show as text (``\\r \\n \\t \\x00`` visible).
"""

from __future__ import annotations

import html

SHOWN_ROWS = 8        # rows shown before the fold (128 bytes)
EVENT_BYTES = 2048    # bytes rendered per event (the rest summarised)
RESULT_BYTES = 6144   # bytes rendered per result, over all its events
TEXT_BYTES = 512      # events up to this size also show as text

ARROWS = {"send": "\u2192 to target", "recv": "\u2190 from target", "note": "note"}


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


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


def hexdump_rows(data: bytes, start: int = 0) -> list[str]:
    """Rows of ``data`` as a hex dump (offsets counted from ``start``): ``00000010  68 65 ... |he..|``."""
    rows = []
    for off in range(0, len(data), 16):
        chunk = data[off:off + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk[:8]) + "  " + " ".join(f"{b:02x}" for b in chunk[8:])
        text = "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
        rows.append(f"{start + off:08x}  {hexes:<48}  |{text}|")
    return rows


def render_event_bytes(data: bytes, budget: int) -> str:
    """The hex dump of one event, folded and summarised by the bounds (``budget``: bytes this result may
    still render)."""
    keep = data[:max(0, min(len(data), EVENT_BYTES, budget))]
    rows = hexdump_rows(keep)
    out = [f"<pre class='hexdump'>{e(chr(10).join(rows[:SHOWN_ROWS]))}</pre>"]
    if len(rows) > SHOWN_ROWS:
        out.append(f"<details class='more'><summary>show all {len(rows)} rows ({len(keep)} bytes)</summary>"
                   f"<pre class='hexdump'>{e(chr(10).join(rows[SHOWN_ROWS:]))}</pre></details>")
    if len(keep) < len(data):
        tail = hexdump_rows(data[-16:], len(data) - 16 if len(data) >= 16 else 0)
        out.append(f"<p class='summarised'>&hellip; {len(data) - len(keep)} more bytes not shown "
                   f"({len(data)} in this event; the JSON report keeps them). Last row:</p>"
                   f"<pre class='hexdump'>{e(chr(10).join(tail[-1:]))}</pre>")
    return "".join(out)


def render_transcript(tr: dict) -> str:
    """The transcript section of one result (HTML)."""
    events = tr.get("events") or []
    dropped = tr.get("dropped_events", 0)
    if not events:
        return "<p class='muted'>no wire transcript (nothing exchanged through the harness)</p>"
    total = sum(len(ev.get("hex", "")) // 2 for ev in events if ev.get("dir") != "note")
    out = [f"<h4>Wire transcript ({len(events)} events, {total} bytes"
           f"{f', {dropped} more not kept' if dropped else ''})</h4><div class='transcript'>"]
    budget = RESULT_BYTES
    for ev in events:
        data = bytes.fromhex(ev.get("hex", ""))
        d = ev.get("dir", "note")
        head = (f"<div class='ev ev-{e(d)}'><span class='t'>{ev.get('t', 0):.3f} s</span> "
                f"<span class='conn'>{e(ev.get('conn', ''))}</span> <span class='dir'>{e(ARROWS.get(d, d))}</span>")
        if d == "note":
            out.append(f"{head} <span class='note'>{e(data[:EVENT_BYTES].decode('utf-8', 'replace'))}</span></div>")
            continue
        out.append(f"{head} <span class='n'>{len(data)} bytes</span>")
        if budget <= 0:
            out.append(" <span class='summarised'>(not shown: this result's display budget is spent)</span></div>")
            continue
        if 0 < len(data) <= TEXT_BYTES:
            out.append(f"<pre class='text'>{e(visible_text(data))}</pre>")
        out.append(render_event_bytes(data, budget) + "</div>")
        budget -= min(len(data), EVENT_BYTES)
    out.append("</div>")
    return "".join(out)
