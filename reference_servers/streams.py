"""Stream helpers every reference session shares: a bounded ``drain`` and the polite end of a session
(flush, FIN, discard the peer's surplus for a while, close: NET-TCP-9)."""

from __future__ import annotations

import asyncio
import contextlib

__all__ = ["drain", "drain_and_close"]


async def drain(writer: asyncio.StreamWriter, timeout: float) -> None:
    """``writer.drain()`` bounded by ``timeout`` seconds: a peer that never reads cannot pin the session and
    its buffered reply forever (the idle timeout applies to blocked writes too).

    Raises:
        TimeoutError: the peer read nothing for ``timeout`` seconds (the session then ends, aborted).
    """
    async with asyncio.timeout(timeout):  # a timer, not wait_for's task per call
        await writer.drain()


async def drain_and_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, linger: float = 1.0,
                          write_timeout: float = 30.0) -> None:
    """End a session politely (NET-TCP-9): flush (at most ``write_timeout`` seconds), send FIN, discard what
    the peer still sends for at most ``linger`` seconds, then close.  Closing with unread input would make
    the kernel send RST and could destroy the reply still in flight."""
    try:
        await drain(writer, write_timeout)
    except TimeoutError:
        writer.transport.abort()
        return
    except (ConnectionError, OSError):
        pass
    with contextlib.suppress(ConnectionError, OSError):
        if writer.can_write_eof():
            writer.write_eof()
    if linger > 0:
        with contextlib.suppress(ConnectionError, OSError, TimeoutError, asyncio.IncompleteReadError):
            async with asyncio.timeout(linger):
                while await reader.read(65536):
                    pass
