"""What every reference client shares: exit statuses, one-line error reporting, bounded socket I/O.

Reference clients follow the client contract (docs/design.md §5): they run once, write the result to stdout and
exit 0, or write one line to stderr and exit non-zero.  Every wait is bounded by ``--timeout`` seconds
(NET-TCP-8); a timeout is reported as such.

Every client takes ``--unix PATH`` (:func:`client_parser`): it then reaches its server over an AF_UNIX socket
at PATH, whatever host and port its other arguments or URL name (those still fill the protocol's own fields,
an HTTP Host header say: curl's ``--unix-socket`` convention).  Over datagrams the client binds a temporary
path of its own, or the server would have nowhere to send the answer.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
from collections.abc import Callable

from reference_servers.errors import ProtocolError

EXIT_OK = 0
#: the server answered, but wrongly or with an error reply (also HTTP >= 400, SMTP 5xx, gopher type 3)
EXIT_PROTOCOL = 1
#: bad command line
EXIT_USAGE = 2
#: network error: refused, reset, unreachable, timed out
EXIT_NETWORK = 3
#: temporary failure reported by the server (SMTP 4xx); try again later
EXIT_TEMPORARY = 4


class TemporaryFailure(ProtocolError):
    """The server reported a transient failure (SMTP 4xx): exit status :data:`EXIT_TEMPORARY`."""


#: the AF_UNIX path given with ``--unix`` (set when a :func:`client_parser` parses; a client runs once)
_unix_path: str | None = None


class _ClientParser(argparse.ArgumentParser):
    def parse_args(self, *args, **kwargs):  # type: ignore[override]
        global _unix_path
        ns = super().parse_args(*args, **kwargs)
        _unix_path = ns.unix
        return ns


def client_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """Parser with ``--timeout`` (seconds per wait, default 5) and ``--unix PATH`` (module docstring)."""
    p = _ClientParser(prog=prog, description=description)
    p.add_argument("--timeout", type=float, default=5.0, help="seconds allowed for each wait (default 5)")
    p.add_argument("--unix", metavar="PATH", help="reach the server over the AF_UNIX socket at PATH instead of its "
                   "host and port (a datagram client binds a temporary path of its own for the answer)")
    return p


def client_main(name: str, body: Callable[[], bytes | None]) -> int:
    """Run ``body``; write what it returns to stdout; map errors to one stderr line and an exit status.

    ``TimeoutError`` and ``OSError`` give :data:`EXIT_NETWORK`, :class:`TemporaryFailure` gives
    :data:`EXIT_TEMPORARY`, other :class:`ProtocolError` give :data:`EXIT_PROTOCOL`.
    """
    try:
        out = body()
    except TimeoutError as exc:
        print(f"{name}: timed out: {exc or 'no answer'}", file=sys.stderr)
        return EXIT_NETWORK
    except TemporaryFailure as exc:
        print(f"{name}: temporary failure: {exc}", file=sys.stderr)
        return EXIT_TEMPORARY
    except ProtocolError as exc:
        print(f"{name}: protocol error: {exc}", file=sys.stderr)
        return EXIT_PROTOCOL
    except ConnectionRefusedError:
        print(f"{name}: connection refused", file=sys.stderr)
        return EXIT_NETWORK
    except ConnectionResetError:
        print(f"{name}: connection reset by peer", file=sys.stderr)
        return EXIT_NETWORK
    except OSError as exc:
        print(f"{name}: network error: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_NETWORK
    if out:
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
    return EXIT_OK


def connect(host: str, port: int, timeout: float) -> socket.socket:
    """TCP connection (AF_UNIX stream to the ``--unix`` path when given) with ``timeout`` seconds on the
    connect and on every later wait.

    Raises:
        TimeoutError, ConnectionRefusedError, OSError.
    """
    if _unix_path is not None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        deadline = time.monotonic() + timeout
        try:
            while True:  # a full backlog answers EAGAIN at once over AF_UNIX, where TCP would retry its SYN
                try:
                    sock.connect(_unix_path)
                    return sock
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise TimeoutError(f"connect to unix:{_unix_path}: backlog full for {timeout:g} s") from None
                    time.sleep(0.005)
        except BaseException:
            sock.close()
            raise
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.settimeout(timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def recv_to_eof(sock: socket.socket, limit: int = 64 * 2**20) -> bytes:
    """Read until the peer closes (each ``recv`` bounded by the socket's timeout).

    Raises:
        TimeoutError: one wait exceeded the socket timeout.
        ProtocolError: more than ``limit`` bytes arrived.
    """
    chunks: list[bytes] = []
    total = 0
    while data := sock.recv(65536):
        chunks.append(data)
        total += len(data)
        if total > limit:
            raise ProtocolError(f"more than {limit} bytes without the peer closing")
    return b"".join(chunks)


def udp_exchange(
    host: str,
    port: int,
    request: bytes,
    *,
    timeout: float,
    retries: int,
    accept: Callable[[bytes], bool] = lambda _: True,
) -> bytes:
    """Send ``request`` over UDP and return the first acceptable reply from exactly ``(host, port)``.

    The request is retransmitted up to ``retries`` times, each wait bounded by ``timeout`` seconds
    (NET-UDP-2).  Replies from any other address or port are ignored (NET-UDP-3); so are replies for
    which ``accept`` is false (a late reply to an earlier try, say).  An empty datagram is a datagram
    (NET-UDP-4).  The receive buffer holds the largest IPv4 datagram (NET-UDP-5).

    With ``--unix`` the datagrams go to that path from a temporary path of ours (removed afterwards).

    Raises:
        TimeoutError: no acceptable reply after ``retries + 1`` tries.
    """
    if _unix_path is not None:
        with tempfile.TemporaryDirectory(prefix="ncc-", dir="/tmp") as tmp, \
                socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.bind(os.path.join(tmp, "c"))
            return _exchange(sock, _unix_path, request, timeout, retries, accept, f"unix:{_unix_path}")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        # not connect()ed: a connected socket would hide forged replies from us, and we want to see them
        server = socket.getaddrinfo(host, port, family, socket.SOCK_DGRAM)[0][4][:2]
        return _exchange(sock, tuple(server), request, timeout, retries, accept, f"udp {host}:{port}")


def _exchange(sock: socket.socket, server, request: bytes, timeout: float, retries: int,
              accept: Callable[[bytes], bool], where: str) -> bytes:
    for _attempt in range(retries + 1):
        sock.sendto(request, server)
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            try:
                data, addr = sock.recvfrom(65535)
            except TimeoutError:
                break
            except ConnectionRefusedError:
                continue  # ICMP from an earlier try; keep waiting
            if (addr if isinstance(addr, str) else tuple(addr[:2])) != server:
                continue  # NET-UDP-3: not from the server we asked
            if accept(data):
                return data
    raise TimeoutError(f"no reply from {where} after {retries + 1} tries of {timeout} s")
