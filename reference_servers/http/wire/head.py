"""What requests and responses share (RFC 1945 §2.2, §4.2): CRLF, the token grammar, the lines of a
head (bare LF accepted, App. B) and :class:`Headers`, header fields with case-insensitive lookup."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

CRLF = b"\r\n"
# token = 1*<any CHAR except CTLs or tspecials> (§2.2)
_TSPECIALS = set(b'()<>@,;:\\"/[]?={} \t')
_TOKEN_CHARS = frozenset(c for c in range(33, 127) if c not in _TSPECIALS)
_TOKEN_BYTES = bytes(sorted(_TOKEN_CHARS))


def _is_token(value: bytes) -> bool:
    return bool(value) and not value.translate(None, _TOKEN_BYTES)  # nothing left once token chars are deleted


# ---------------------------------------------------------------------------------------------- headers
class Headers:
    """Header fields in arrival order with case-insensitive lookup (RFC 1945 §4.2).

    Names and values are ``str`` (decoded as ISO-8859-1, so every octet survives).  A field that occurs
    several times is a list; :meth:`get` joins the values with ``", "`` as §4.2 allows.
    """

    def __init__(self, fields: Iterable[tuple[str, str]] = ()) -> None:
        self.fields: list[tuple[str, str]] = list(fields)

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self.get_all(name)
        return ", ".join(values) if values else default

    def get_all(self, name: str) -> list[str]:
        lname = name.lower()
        return [v for n, v in self.fields if n.lower() == lname]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.get_all(name))

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def names(self) -> set[str]:
        """Lower-cased names present."""
        return {n.lower() for n, _ in self.fields}

    def __repr__(self) -> str:
        return f"Headers({self.fields!r})"


def _lines(buf: bytes, start: int) -> Iterator[tuple[bytes, int]]:
    """Yield ``(line without terminator, offset after its LF)`` for every complete line from ``start``.
    A CR before the LF is removed (App. B: bare LF accepted, CR ignored)."""
    pos = start
    while True:
        nl = buf.find(b"\n", pos)
        if nl < 0:
            return
        line = buf[pos:nl]
        if line.endswith(b"\r"):
            line = line[:-1]
        yield line, nl + 1
        pos = nl + 1
