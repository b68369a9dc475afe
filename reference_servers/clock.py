"""Injectable clocks for the daytime and time servers.

A clock is any callable returning the current time as Unix seconds (float).  Raising
:class:`ClockUnavailable` means "the time cannot be determined" (RFC 868: the server then refuses or
closes without sending anything, TIME-TCP-3 / TIME-UDP-3).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC

Clock = Callable[[], float]


class ClockUnavailable(RuntimeError):
    """The clock cannot tell the time."""


def system_clock() -> float:
    """The machine's clock, Unix seconds."""
    return time.time()


def fixed_clock(unix_seconds: float) -> Clock:
    """A clock that starts at ``unix_seconds`` and advances in real time (for dates past 2036, say)."""
    start = time.monotonic()
    return lambda: unix_seconds + (time.monotonic() - start)


def no_clock() -> float:
    """A clock that never knows the time."""
    raise ClockUnavailable("no clock")


def clock_from_option(value: str | None) -> Clock:
    """Parse a ``--clock`` option: absent -> system clock; ``none`` -> :func:`no_clock`;
    an ISO 8601 UTC time (``2036-02-07T06:28:20Z``) or Unix seconds -> :func:`fixed_clock`.

    Raises:
        ValueError: the value is none of those.
    """
    if value is None or value == "system":
        return system_clock
    if value == "none":
        return no_clock
    try:
        return fixed_clock(float(value))
    except ValueError:
        pass
    from datetime import datetime

    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return fixed_clock(dt.timestamp())
