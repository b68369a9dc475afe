"""Echo wire format (RFC 862), sans-I/O.

Echo has no syntax: the answer is the octets received, unchanged (TCP: the stream; UDP: each datagram,
boundaries preserved).  What this module defines is what the scenarios compare.
"""

from __future__ import annotations

import hashlib

#: RFC 862 default port
PORT = 7


def reply_to(data: bytes) -> bytes:
    """The echo of ``data``: the same octets (RFC 862 "TCP/UDP Based Echo Service")."""
    return bytes(data)


def first_difference(sent: bytes, received: bytes) -> int | None:
    """Offset (bytes) of the first octet where ``received`` differs from ``sent``; ``None`` if equal.

    A ``received`` that is a strict prefix of ``sent`` differs at ``len(received)``.
    """
    for i, (a, b) in enumerate(zip(sent, received)):
        if a != b:
            return i
    if len(sent) == len(received):
        return None
    return min(len(sent), len(received))


def digest(data: bytes) -> str:
    """SHA-256 hex digest, used to compare large echoes in messages."""
    return hashlib.sha256(data).hexdigest()
