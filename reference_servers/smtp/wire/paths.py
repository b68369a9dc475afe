"""SMTP paths and ESMTP parameters, sans-I/O (RFC 5321 §4.1.1.2-3, §4.1.2, §4.5.3.1; SIZE RFC 1870):
:class:`Path`, :func:`parse_mail`, :func:`parse_rcpt`, :func:`parse_parameters`, :func:`parse_size`.
Part of :mod:`reference_servers.smtp.wire`, which re-exports every name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reference_servers.errors import ProtocolError

#: extra octets a MAIL line may carry per parameter-bearing extension (RFC 1870 §3 (5))
SIZE_EXTRA = 26
#: local-part, domain and path limits in octets (§4.5.3.1.1-3)
MAX_LOCAL_PART = 64
MAX_DOMAIN = 255
MAX_PATH = 256
#: minimum number of recipients a server buffers (§4.5.3.1.8)
MIN_RECIPIENTS = 100

_KEYWORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_PARAM_VALUE = re.compile(r"^[\x21-\x3c\x3e-\x7e]+$")
_ATEXT = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~-"
_DOT_STRING = re.compile(rf"^[{_ATEXT}]+(?:\.[{_ATEXT}]+)*$")
_QUOTED_STRING = re.compile(r'^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$')
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")
_ADDRESS_LITERAL = re.compile(
    r"^\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9A-Fa-f:.]+|[A-Za-z0-9-]*[A-Za-z0-9]:[\x21-\x5a\x5e-\x7e]+)\]$")


@dataclass(frozen=True)
class Path:
    """A reverse-path or forward-path (§4.1.2).

    ``local_part`` keeps its case and quoting exactly as sent (§2.4, SMTP-TXN-7); ``domain`` is as sent
    (compare it case-insensitively); both are empty for the null reverse-path ``<>``.  ``domain`` is empty
    and ``local_part`` is ``Postmaster`` for the special ``<Postmaster>`` recipient (§4.5.1).  ``route``
    holds the obsolete source route (``@relay,@hop:``), which must be accepted and ignored (§3.6.1).
    """

    local_part: str
    domain: str
    route: tuple[str, ...] = ()

    @property
    def is_null(self) -> bool:
        return not self.local_part and not self.domain

    @property
    def mailbox(self) -> str:
        """``local@domain``; ``""`` for the null path; ``Postmaster`` alone for ``<Postmaster>``."""
        if self.is_null:
            return ""
        return f"{self.local_part}@{self.domain}" if self.domain else self.local_part

    def __str__(self) -> str:
        return f"<{self.mailbox}>"


def is_domain(text: str) -> bool:
    """True for a syntactically valid domain (dot-separated LDH labels) or address literal (§4.1.2-3)."""
    if _ADDRESS_LITERAL.match(text):
        return True
    if not text or len(text) > MAX_DOMAIN:
        return False
    return all(_LABEL.match(label) for label in text.split("."))


def is_local_part(text: str) -> bool:
    """True for a valid local-part: dot-string or quoted-string, at most 64 octets (§4.1.2, §4.5.3.1.1)."""
    return bool(_DOT_STRING.match(text) or _QUOTED_STRING.match(text)) and len(text) <= MAX_LOCAL_PART


def parse_path(text: str, *, allow_null: bool = False, allow_postmaster: bool = False) -> Path:
    """Parse ``<[A-d-l:]Mailbox>`` (§4.1.2).

    Raises:
        ProtocolError: not in angle brackets, bad local-part or domain syntax, over-long parts
            (local-part 64, domain 255, path 256 octets, §4.5.3.1), or ``<>`` where not allowed.
    """
    if len(text) < 2 or text[0] != "<" or text[-1] != ">":
        raise ProtocolError(f"path {text!r} is not enclosed in angle brackets", requirement="SMTP-TXN-9")
    if len(text) > MAX_PATH:
        raise ProtocolError(f"path of {len(text)} octets exceeds {MAX_PATH}", requirement="SMTP-LIMIT-1")
    inner = text[1:-1]
    if inner == "":
        if allow_null:
            return Path("", "")
        raise ProtocolError("null path <> is not allowed here", requirement="SMTP-TXN-2")
    route: tuple[str, ...] = ()
    if inner.startswith("@"):
        adl, colon, inner = inner.partition(":")
        if not colon:
            raise ProtocolError("source route without ':'", requirement="SMTP-TXN-6")
        hops = adl.split(",")
        if not all(h.startswith("@") and is_domain(h[1:]) for h in hops):
            raise ProtocolError(f"bad source route {adl!r}", requirement="SMTP-TXN-6")
        route = tuple(h[1:] for h in hops)
    if allow_postmaster and inner.lower() == "postmaster":
        return Path(inner, "", route)
    at = inner.rfind("@")
    if at <= 0:
        raise ProtocolError(f"mailbox {inner!r} has no domain", requirement="SMTP-TXN-2")
    local, domain = inner[:at], inner[at + 1:]
    if not (_DOT_STRING.match(local) or _QUOTED_STRING.match(local)):
        raise ProtocolError(f"bad local-part {local!r}", requirement="SMTP-CMD-9")
    if len(local.encode()) > MAX_LOCAL_PART:
        raise ProtocolError(f"local-part of {len(local)} octets exceeds {MAX_LOCAL_PART}", requirement="SMTP-LIMIT-1")
    if not is_domain(domain):
        raise ProtocolError(f"bad domain {domain!r}", requirement="SMTP-CMD-9")
    return Path(local, domain, route)


def parse_parameters(text: str) -> dict[str, str | None]:
    """Parse ESMTP parameters ``KEY[=VALUE] ...`` (§4.1.2 ``esmtp-param``).  Keys are upper-cased.

    Raises:
        ProtocolError: bad keyword or value syntax, or a keyword given twice (RFC 1870 §6: one SIZE).
    """
    params: dict[str, str | None] = {}
    for item in text.split(" "):
        if not item:
            continue
        key, eq, value = item.partition("=")
        if not _KEYWORD.match(key) or (eq and not _PARAM_VALUE.match(value)):
            raise ProtocolError(f"bad parameter {item!r}", requirement="SMTP-CMD-8")
        if key.upper() in params:
            raise ProtocolError(f"parameter {key.upper()} given twice", requirement="SMTP-SIZE-2")
        params[key.upper()] = value if eq else None
    return params


def _split_path_argument(argument: str, keyword: str) -> tuple[str, str, bool]:
    """Split ``KEYWORD:<path> params``; return (path text, parameter text, space-after-colon?)."""
    if argument[: len(keyword)].upper() != keyword:
        raise ProtocolError(f"argument does not start with {keyword}", requirement="SMTP-TXN-9")
    rest = argument[len(keyword):]
    lenient = rest.startswith(" ")
    rest = rest.lstrip(" ")
    if not rest.startswith("<"):
        raise ProtocolError(f"{keyword} not followed by '<'", requirement="SMTP-TXN-9")
    end = _path_end(rest)
    return rest[: end + 1], rest[end + 1:], lenient


def _path_end(text: str) -> int:
    """Index of the '>' closing the path that starts ``text`` (quoted-strings may contain '>')."""
    quoted = escaped = False
    for i, ch in enumerate(text):
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == ">" and not quoted:
            return i
    raise ProtocolError("path has no closing '>'", requirement="SMTP-TXN-9")


@dataclass(frozen=True)
class PathArgument:
    """The parsed argument of MAIL or RCPT: the path, its ESMTP parameters (upper-cased keys), and
    whether the client put a space after the colon (tolerated, §3.3 notes the practice; SMTP-TXN-10)."""

    path: Path
    params: dict[str, str | None] = field(default_factory=dict)
    space_after_colon: bool = False


def parse_mail(argument: str) -> PathArgument:
    """Parse the argument of ``MAIL``: ``FROM:<reverse-path> [params]`` (§4.1.1.2).

    Raises:
        ProtocolError: syntax error (the server answers 501).
    """
    path, rest, lenient = _split_path_argument(argument, "FROM:")
    if rest and not rest.startswith(" "):
        raise ProtocolError("junk after the reverse-path", requirement="SMTP-TXN-9")
    return PathArgument(parse_path(path, allow_null=True), parse_parameters(rest), lenient)


def parse_rcpt(argument: str) -> PathArgument:
    """Parse the argument of ``RCPT``: ``TO:<forward-path> [params]`` or ``TO:<Postmaster>`` (§4.1.1.3).

    Raises:
        ProtocolError: syntax error (the server answers 501).
    """
    path, rest, lenient = _split_path_argument(argument, "TO:")
    if rest and not rest.startswith(" "):
        raise ProtocolError("junk after the forward-path", requirement="SMTP-TXN-9")
    return PathArgument(parse_path(path, allow_postmaster=True), parse_parameters(rest), lenient)


def parse_size(value: str | None) -> int:
    """Value of the ``SIZE=`` MAIL parameter: 1 to 20 digits (RFC 1870 §4).

    Raises:
        ProtocolError: missing or not a decimal number of at most 20 digits.
    """
    if value is None or not value.isdigit() or not value.isascii() or len(value) > 20:
        raise ProtocolError(f"bad SIZE value {value!r}", requirement="SMTP-SIZE-2")
    return int(value)

