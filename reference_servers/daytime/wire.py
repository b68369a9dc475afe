"""Daytime wire format (RFC 867), sans-I/O.

RFC 867 "Daytime Syntax" prescribes no syntax: a server sends the current date and time as ASCII text
and clients must not require any format (DAYTIME-FMT-3).  Our reference server sends the ctime-style
``Www Mmm dd hh:mm:ss yyyy UTC\\r\\n`` in UTC, close to BSD inetd's ``%.24s\\r\\n`` plus an explicit zone
(DAYTIME-FMT-4).  :func:`parse_daytime` reads that and the other common formats, so scenarios can compare a
third-party server's string with the clock without demanding our format.
"""

from __future__ import annotations

import email.utils
import re
import time
from datetime import UTC, datetime

PORT = 13

_CTIME_UTC = "%a %b %d %H:%M:%S %Y"


def format_daytime(unix_seconds: float) -> bytes:
    """The reference daytime string for ``unix_seconds``: ``b"Sat Nov 21 10:48:40 2026 UTC\\r\\n"``."""
    return time.strftime(_CTIME_UTC, time.gmtime(unix_seconds)).encode("ascii") + b" UTC\r\n"


def nonprintable_octets(data: bytes) -> list[tuple[int, int]]:
    """``(offset, octet)`` for every octet outside printable ASCII, SP, CR and LF (DAYTIME-FMT-1)."""
    return [(i, b) for i, b in enumerate(data) if not (0x20 <= b <= 0x7E or b in (0x0D, 0x0A))]


def line_count(data: bytes) -> int:
    """Number of lines in ``data``: a single terminator at the end does not start a new one (DAYTIME-FMT-2)."""
    body = data[:-2] if data.endswith(b"\r\n") else data[:-1] if data.endswith((b"\n", b"\r")) else data
    return len(re.split(rb"\r\n|\r|\n", body)) if body else 0


_NAMED_ZONES = {"UTC": 0, "GMT": 0, "UT": 0, "Z": 0}


def parse_daytime(text: bytes) -> float | None:
    """Best-effort parse of a daytime string in a common format; Unix seconds, or ``None``.

    Recognised: ctime (``Tue Feb 22 17:37:43 1982``, optionally followed by a zone name or offset;
    without one it is taken as UTC), RFC 5322/822 dates (``Tue, 22 Feb 1982 17:37:43 +0000``, also the
    old SMTP ``22 Feb 82 17:37:43 GMT``), ISO 8601 (``1982-02-22T17:37:43Z``), and the RFC 867 example
    style ``Tuesday, February 22, 1982 17:37:43-PST``.  Strings in other formats return ``None``: they
    are legal (RFC 867 has no syntax), only not comparable with a clock.
    """
    s = text.decode("ascii", "replace").strip().rstrip("\x00").strip()
    if not s:
        return None
    m = re.fullmatch(r"(\w{3} \w{3} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4})(?: +(\S+))?", s)
    if m:
        try:
            dt = datetime.strptime(re.sub(" +", " ", m.group(1)), _CTIME_UTC)
        except ValueError:
            return None
        return _apply_zone(dt, m.group(2))
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
        return dt.timestamp() if dt.tzinfo else dt.replace(tzinfo=UTC).timestamp()
    except ValueError:
        pass
    m = re.fullmatch(r"\w+, (\w+) (\d{1,2}), (\d{4}) (\d{2}:\d{2}:\d{2})-?(\S+)?", s)
    if m:
        try:
            dt = datetime.strptime(f"{m.group(1)} {m.group(2)} {m.group(3)} {m.group(4)}", "%B %d %Y %H:%M:%S")
        except ValueError:
            return None
        return _apply_zone(dt, m.group(5))
    try:
        parsed = email.utils.parsedate_tz(s)
    except (TypeError, ValueError):
        parsed = None
    if parsed and parsed[0] and parsed[3] is not None:
        return float(email.utils.mktime_tz(parsed))
    return None


def _apply_zone(dt: datetime, zone: str | None) -> float | None:
    base = dt.replace(tzinfo=UTC).timestamp()
    if zone is None or zone.upper() in _NAMED_ZONES:
        return base
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", zone)
    if m:
        sign = 1 if m.group(1) == "+" else -1
        return base - sign * (int(m.group(2)) * 3600 + int(m.group(3)) * 60)
    offsets = {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}
    if zone.upper() in offsets:
        return base - offsets[zone.upper()] * 3600
    return None
