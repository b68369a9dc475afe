"""Finding what an SMTP server delivered: a bounded poll of ``{maildir}`` for files carrying a token.

Any layout under ``{maildir}`` is searched (real servers queue before they deliver, hence the poll; Maildir
``tmp/`` holds unfinished files and is skipped), and a delivered copy is compared with the message sent
after transparency, allowing trace fields a delivering MTA adds (RFC 5321 §4.4).
"""

from __future__ import annotations

import time
from pathlib import Path

from conformance.checks import fail
from conformance.scenarios.smtpdriver import Dialogue
from netconformance_fixtures.context import settings


def files_with(maildir: Path, tok: str) -> list[bytes]:
    out = []
    needle = tok.encode()
    for path in maildir.rglob("*"):
        try:
            if path.parent.name != "tmp" and path.is_file():  # Maildir tmp/ holds unfinished files
                data = path.read_bytes()
                if needle in data:
                    out.append(data)
        except OSError:
            continue
    return out


def delivered(server, tok: str, reqs, summary: str, d: Dialogue | None = None, count: int = 1) -> list[bytes]:
    """Poll ``{maildir}`` (bounded) until ``count`` files contain ``tok``; return them (LF line endings)."""
    maildir = server.require("maildir")
    deadline = time.monotonic() + max(settings().scaled(10), 3.0)
    while True:
        found = files_with(maildir, tok)
        if len(found) >= count:
            return [f.replace(b"\r\n", b"\n") for f in found]
        if time.monotonic() > deadline:
            kw = dict(expected=f"{count} file(s) containing {tok} under {{maildir}}", received=f"{len(found)} file(s)")
            if d is not None:
                d.fail(reqs, summary, **kw)
            fail(reqs, summary, **kw)
        time.sleep(0.05)


def not_delivered(server, tok: str, reqs, summary: str, d: Dialogue | None = None) -> None:
    maildir = server.require("maildir")
    time.sleep(settings().scaled(1))
    found = files_with(maildir, tok)
    if found:
        kw = dict(expected=f"no file containing {tok}", received=found[0][:300])
        if d is not None:
            d.fail(reqs, summary, **kw)
        fail(reqs, summary, **kw)


def split_message(data: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """(header fields as (lower-case name, unfolded value with runs of white space collapsed), body) of a
    message with LF line ends.  The body is everything after the first empty line, exactly."""
    head, sep, body = data.partition(b"\n\n")
    if not sep and not data.startswith(b"\n"):
        head, body = data, b""
    if data.startswith(b"\n"):
        head, body = b"", data[1:]
    fields: list[list[bytes]] = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1][1] += b" " + line.strip()
        else:
            name, _, value = line.partition(b":")
            fields.append([name.strip().lower(), value])
    return [(n, b" ".join(v.split())) for n, v in fields], body


def expect_body(d: Dialogue, copy: bytes, sent: bytes, reqs, summary: str) -> None:
    """The delivered ``copy`` carries the message ``sent`` (after transparency, LF line ends): the body
    exactly, and every header field sent (name and unfolded value).  Fields a delivering MTA or a handler
    adds (Received, Return-Path, Delivered-To, X-*, ...) above or below them are allowed (RFC 5321 §4.4)."""
    want_fields, want_body = split_message(sent.replace(b"\r\n", b"\n"))
    got_fields, got_body = split_message(copy)
    missing = [f for f in want_fields if f not in got_fields]
    if got_body != want_body or missing:
        what = "the body differs" if got_body != want_body else \
            "header fields sent are missing or changed: " + ", ".join(n.decode("latin-1") for n, _ in missing)
        d.fail(reqs, f"{summary} ({what})", expected=sent.replace(b"\r\n", b"\n"), received=copy)
