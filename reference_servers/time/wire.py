"""Time wire format (RFC 868), sans-I/O.

The time is "a 32 bit binary number" of seconds since 1900-01-01T00:00:00 GMT, sent most significant
octet first (RFC 868 "The Time"; RFC 791 App. B; TIME-FMT-1..3, NET-BO-1).  The field wraps on
2036-02-07T06:28:16Z; servers send the value modulo 2**32 and clients place it in the era that the NTP
convention gives (RFC 4330 §3, TIME-FMT-6): top bit set = 1968-2036, top bit clear = 2036-2104.
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime

from reference_servers.errors import IncompleteError, ProtocolError

PORT = 37
#: seconds from 1900-01-01 to 1970-01-01 (RFC 868: 2,208,988,800)
EPOCH_OFFSET = 2_208_988_800
#: octets in a time value
SIZE = 4
#: Unix time of the first wrap of the 32-bit field: 2036-02-07T06:28:16Z
WRAP_UNIX = 2**32 - EPOCH_OFFSET


def encode(unix_seconds: float) -> bytes:
    """The 4 octets for ``unix_seconds`` (whole seconds, big-endian, modulo 2**32).

    Raises:
        ValueError: ``unix_seconds`` is before 1900.
    """
    value = int(unix_seconds // 1) + EPOCH_OFFSET
    if value < 0:
        raise ValueError(f"{unix_seconds} is before 1900-01-01")
    return struct.pack("!I", value % 2**32)


def decode_value(octets: bytes) -> int:
    """The unsigned 32-bit value of exactly 4 octets, big-endian.

    Raises:
        IncompleteError: fewer than 4 octets.  ProtocolError: more than 4.
    """
    if len(octets) < SIZE:
        raise IncompleteError(f"{len(octets)} of 4 octets", requirement="TIME-TCP-4")
    if len(octets) > SIZE:
        raise ProtocolError(f"{len(octets)} octets, a time value has exactly 4", requirement="TIME-FMT-3")
    return struct.unpack("!I", octets)[0]


def to_unix(value: int) -> int:
    """Unix seconds for a 32-bit time value, by the era rule (top bit set: era 0, clear: era 1)."""
    era = 0 if value & 0x8000_0000 else 1
    return value + era * 2**32 - EPOCH_OFFSET


def decode(octets: bytes) -> int:
    """Unix seconds carried by 4 octets (see :func:`decode_value` and :func:`to_unix`)."""
    return to_unix(decode_value(octets))


def iso(unix_seconds: int) -> str:
    """``2036-02-07T06:28:32Z`` for ``unix_seconds``."""
    return datetime.fromtimestamp(unix_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
