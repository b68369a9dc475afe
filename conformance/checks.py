"""Verdict helpers: turn a mismatch into a :class:`ScenarioFailure` whose message a person can act on.

Every failure message names the requirement ids, says what was sent, what was expected and what
arrived (bytes, excerpted), and when::

    [ECHO-TCP-2] the echo differs from what was sent, first at offset 1024
      sent:     65536 bytes 00 0d 0a ff 41 ... | b'\\x00\\r\\n\\xffA...'
      expected: the same 65536 bytes
      received: 1024 bytes ...
      when:     0.213 s after connecting
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

from conformance.errors import ScenarioFailure

EXCERPT = 48


def excerpt(data: bytes | bytearray | None, limit: int = EXCERPT) -> str:
    """``"5 bytes 68 65 6c 6c 6f | b'hello'"``: length, hex and repr of at most ``limit`` bytes (each end)."""
    if data is None:
        return "nothing"
    data = bytes(data)
    n = len(data)
    if n == 0:
        return "0 bytes"
    if n <= limit:
        shown, tail = data, b""
    else:
        shown, tail = data[: limit // 2], data[-(limit // 4):]
    hexs = shown.hex(" ") + (f" ... {tail.hex(' ')}" if tail else "")
    text = repr(shown) + (f"...{tail!r}" if tail else "")
    return f"{n} byte{'s' if n != 1 else ''} {hexs} | {text}"


def fail(
    requirements: str | Iterable[str],
    summary: str,
    *,
    sent: bytes | str | None = None,
    expected: bytes | str | None = None,
    received: bytes | str | None = None,
    when: str | None = None,
    detail: str | None = None,
) -> NoReturn:
    """Raise :class:`ScenarioFailure` with a message in the format above.

    ``sent``/``expected``/``received`` may be bytes (excerpted) or text (shown as is).
    """
    reqs = (requirements,) if isinstance(requirements, str) else tuple(dict.fromkeys(requirements))  # each id once
    lines = [f"[{', '.join(reqs)}] {bounded(summary)}"]
    for label, value in (("sent", sent), ("expected", expected), ("received", received)):
        if value is not None:
            lines.append(f"  {label + ':':<10}{bounded(value) if isinstance(value, str) else excerpt(value)}")
    if when:
        lines.append(f"  {'when:':<10}{bounded(when)}")
    if detail:
        lines.append(f"  {'detail:':<10}{bounded(detail, 2 * TEXT_LIMIT)}")
    raise ScenarioFailure("\n".join(lines), requirements=reqs)


TEXT_LIMIT = 600


def bounded(text: str, limit: int = TEXT_LIMIT) -> str:
    """``text`` cut to ``limit`` characters (head and tail kept, the cut said): a message stays readable
    whatever the target sent."""
    if len(text) <= limit:
        return text
    keep = limit // 2
    return f"{text[:keep]} ...[{len(text) - 2 * keep} characters]... {text[-keep:]}"


def check(condition: object, requirements: str | Iterable[str], summary: str, **kwargs) -> None:
    """:func:`fail` unless ``condition`` is true."""
    if not condition:
        fail(requirements, summary, **kwargs)
