"""HTTP-dates (RFC 1945 §3.3): :func:`parse_http_date` reads rfc1123, rfc850 and asctime;
:func:`format_http_date` writes rfc1123 (the only form a server generates); :func:`is_rfc1123_date`."""

from __future__ import annotations

import calendar
import email.utils
import re
import time

#: rfc1123-date (§3.3), the only form a server generates (HTTP10-HDR-2)
RFC1123_DATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                          r"\d{4} \d{2}:\d{2}:\d{2} GMT$")


# ---------------------------------------------------------------------------------------------- dates
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
_WKDAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_TIME = r"(\d{2}):(\d{2}):(\d{2})"
_RFC1123 = re.compile(rf"^{_WKDAY}, (\d{{2}}) {_MONTH} (\d{{4}}) {_TIME} GMT$")
_RFC850 = re.compile(rf"^{_WEEKDAY}, (\d{{2}})-{_MONTH}-(\d{{2}}) {_TIME} GMT$")
_ASCTIME = re.compile(rf"^{_WKDAY} {_MONTH} ([ \d]\d) {_TIME} (\d{{4}})$")


def parse_http_date(text: str) -> float | None:
    """Parse an HTTP-date in any of the three forms of §3.3 (HTTP10-DATE-1) into Unix seconds (GMT).

    rfc1123 ``Sun, 06 Nov 1994 08:49:37 GMT``, rfc850 ``Sunday, 06-Nov-94 08:49:37 GMT`` (two-digit years
    below 70 are 20xx) and asctime ``Sun Nov  6 08:49:37 1994``.  Returns ``None`` for anything else,
    including impossible dates: an invalid date never raises (HTTP10-DATE-2).
    """
    text = text.strip()
    if m := _RFC1123.match(text):
        day, mon, year, hh, mm, ss = m.groups()
    elif m := _RFC850.match(text):
        day, mon, yy, hh, mm, ss = m.groups()
        year = str(int(yy) + (2000 if int(yy) < 70 else 1900))
    elif m := _ASCTIME.match(text):
        mon, day, hh, mm, ss, year = m.groups()
    else:
        return None
    try:
        fields = (int(year), _MONTHS[mon], int(day), int(hh), int(mm), int(ss))
        if not (1 <= fields[2] <= calendar.monthrange(fields[0], fields[1])[1]) or fields[3] > 23 \
                or fields[4] > 59 or fields[5] > 60:
            return None
        return float(calendar.timegm((*fields, 0, 0, 0)))
    except (ValueError, OverflowError):
        return None


_DATES: dict[int, str] = {}  # whole second -> its rfc1123-date; a server formats the same few seconds again and again


def format_http_date(timestamp: float | None = None) -> str:
    """rfc1123-date in GMT for Unix seconds ``timestamp`` (default now), §3.3 (HTTP10-HDR-2).

    Raises:
        OverflowError, ValueError, OSError: ``timestamp`` out of the platform's range (as
            :func:`email.utils.formatdate`).
    """
    ts = time.time() if timestamp is None else timestamp
    # formatdate rounds to the microsecond: below .999999 of a second the result is that of the whole second
    if 0 <= ts < 1e11 and ts - (second := int(ts)) < 0.999999:
        text = _DATES.get(second)
        if text is None:
            if len(_DATES) >= 64:
                _DATES.clear()
            text = _DATES[second] = email.utils.formatdate(second, usegmt=True)
        return text
    return email.utils.formatdate(ts, usegmt=True)


def is_rfc1123_date(text: str) -> bool:
    """True when ``text`` is exactly an rfc1123-date in GMT (the form a server must generate)."""
    return bool(RFC1123_DATE.match(text)) and parse_http_date(text) is not None
