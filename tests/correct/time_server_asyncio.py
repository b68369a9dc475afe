"""Time server (RFC 868) with asyncio, TCP and UDP on one port.  Takes its clock as an option, as a
server under test may: ``--clock system`` (the default), ``--clock none`` (no clock: TCP connections are
closed without a byte, datagrams are discarded, RFC 868's "should") or ``--clock SECONDS`` (Unix time to
start from, then running).

    python time_server_asyncio.py PORT [--clock system|none|SECONDS]
"""

import argparse
import asyncio
import struct
import time

SINCE_1900 = 2_208_988_800


class Clock:
    def __init__(self, option: str) -> None:
        self.start = None if option in ("system", "none") else float(option)
        self.none = option == "none"
        self.t0 = time.monotonic()

    def octets(self) -> bytes | None:
        if self.none:
            return None
        unix = time.time() if self.start is None else self.start + (time.monotonic() - self.t0)
        return struct.pack("!I", (int(unix) + SINCE_1900) % (1 << 32))


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("--clock", default="system")
    args = p.parse_args()
    clock = Clock(args.clock)

    async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            value = clock.octets()
            if value is not None:
                writer.write(value)
                await writer.drain()
            writer.write_eof()
            async with asyncio.timeout(5):
                while await reader.read(4096):
                    pass
        except (TimeoutError, ConnectionError, OSError):
            pass
        finally:
            writer.close()

    class Datagrams(asyncio.DatagramProtocol):
        def connection_made(self, transport) -> None:
            self.transport = transport

        def datagram_received(self, data: bytes, addr) -> None:
            value = clock.octets()
            if value is not None:
                self.transport.sendto(value, addr)

        def error_received(self, exc: Exception) -> None:
            pass

    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(Datagrams, local_addr=("127.0.0.1", args.port))
    server = await asyncio.start_server(session, "127.0.0.1", args.port, reuse_address=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
