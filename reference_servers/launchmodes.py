"""How a reference server can be started besides binding a port itself: socket activation and inetd.

- :func:`sockets_from_env`: systemd's ``sd_listen_fds(3)`` convention: ``LISTEN_PID`` is our pid,
  ``LISTEN_FDS`` sockets start at fd 3, ``LISTEN_FDNAMES`` (optional) names them; each is classified as TCP
  (listening stream) or UDP (datagram) by its socket type.
- :func:`bind_unix`: AF_UNIX sockets at given paths (``--unix PATH``: a listening stream socket, ``--unix-dgram
  PATH``: a bound datagram socket); a datagram client must bind a path of its own to be answered.
- :func:`run_inetd`: inetd(8)'s conventions: the socket is stdin (fd 0).  A stream socket is one accepted
  connection (``nowait``): serve it, then exit.  A datagram socket is the bound service socket (``wait``):
  answer datagrams until none arrived for ``idle`` seconds, then exit, so the superserver listens again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import stat

SD_LISTEN_FDS_START = 3


class LaunchError(RuntimeError):
    """The sockets promised by the environment or on stdin are not there (one line)."""


def sockets_from_env(environ: dict[str, str] | None = None) -> dict[str, socket.socket]:
    """``{"tcp": listening socket, "udp": bound socket}`` from the ``LISTEN_*`` variables.

    Raises:
        LaunchError: no ``LISTEN_FDS``, a ``LISTEN_PID`` that is not ours, or an fd that is not a socket.
    """
    env = os.environ if environ is None else environ
    try:
        count = int(env.get("LISTEN_FDS", ""))
    except ValueError:
        raise LaunchError("--listen-fd: LISTEN_FDS is not set (start me socket-activated, e.g. by systemd)") from None
    pid = env.get("LISTEN_PID")
    if pid and pid != str(os.getpid()):
        raise LaunchError(f"--listen-fd: LISTEN_PID={pid} is not this process ({os.getpid()})")
    socks: dict[str, socket.socket] = {}
    for fd in range(SD_LISTEN_FDS_START, SD_LISTEN_FDS_START + count):
        try:
            sock = socket.socket(fileno=fd)
        except OSError as exc:
            raise LaunchError(f"--listen-fd: fd {fd} is not a socket ({exc.strerror or exc})") from None
        os.set_inheritable(fd, False)
        socks["tcp" if sock.type == socket.SOCK_STREAM else "udp"] = sock
    if not socks:
        raise LaunchError("--listen-fd: LISTEN_FDS=0: no socket was passed")
    return socks


def bind_unix(paths: dict[str, str]) -> dict[str, socket.socket]:
    """``{"tcp": listening AF_UNIX stream socket, "udp": bound AF_UNIX datagram socket}`` at ``paths``
    (transport -> filesystem path).  A stale socket file at a path is removed first (what a server restarted
    after a crash needs); any other file there is left alone and the bind fails.

    Raises:
        OSError: a path is taken by something that is not a socket, its directory is missing, or the path is
            longer than ``sun_path`` holds (107 bytes).
    """
    socks: dict[str, socket.socket] = {}
    try:
        for transport, path in paths.items():
            with contextlib.suppress(FileNotFoundError):
                if stat.S_ISSOCK(os.stat(path).st_mode):
                    os.unlink(path)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM if transport == "tcp" else socket.SOCK_DGRAM)
            socks[transport] = sock
            sock.bind(path)
            if transport == "tcp":
                sock.listen(128)
    except BaseException:
        for sock in socks.values():
            sock.close()
        raise
    return socks


def run_inetd(server, idle: float = 2.0) -> int:
    """Serve the socket on stdin with ``server`` (a ReferenceServer, not started), inetd-style; return 0.

    Raises:
        LaunchError: stdin is not a socket.
    """
    try:
        sock = socket.socket(fileno=os.dup(0))
    except OSError as exc:
        raise LaunchError(f"--inetd: stdin is not a socket ({exc.strerror or exc}): start me from inetd") from None
    if sock.type == socket.SOCK_STREAM:
        asyncio.run(_one_connection(server, sock))
    else:
        asyncio.run(_datagrams(server, sock, idle))
    return 0


async def _one_connection(server, sock: socket.socket) -> None:
    reader, writer = await asyncio.open_connection(sock=sock, limit=2**20)
    await server._session(reader, writer)


async def _datagrams(server, sock: socket.socket, idle: float) -> None:
    from reference_servers.base import _DatagramHandler

    loop = asyncio.get_running_loop()
    sock.setblocking(False)
    seen = [loop.time()]

    class Handler(_DatagramHandler):
        def datagram_received(self, data: bytes, addr) -> None:
            seen[0] = loop.time()
            super().datagram_received(data, addr)

    transport, _ = await loop.create_datagram_endpoint(lambda: Handler(server, sock), sock=sock)
    try:
        while loop.time() - seen[0] < idle:
            await asyncio.sleep(0.05)
    finally:
        transport.close()
