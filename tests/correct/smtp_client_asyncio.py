"""An asyncio-streams SMTP client that pipelines when the server offers PIPELINING (RFC 2920).

    python smtp_client_asyncio.py HOST PORT SENDER RCPT [RCPT ...] < message

The message on stdin goes from SENDER to every RCPT.  With PIPELINING advertised, MAIL, the RCPTs and
DATA go in one batch and every reply is checked (RFC 2920 §3.1: when no recipient was accepted but DATA
got 354, only "." is sent).  Without it, one command at a time.  Every read is bounded by 10 seconds
(``asyncio.wait_for``).  Line ends become CRLF, leading dots are doubled, SIZE and BODY=8BITMIME are used
only when advertised, and 8-bit content is refused when the server lacks 8BITMIME.  Exit 0 when every
recipient got the message.
"""

from __future__ import annotations

import asyncio
import re
import sys

WAIT = 10.0


class Failure(Exception):
    pass


class Client:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def reply(self) -> int:
        code = None
        while True:
            line = await asyncio.wait_for(self.reader.readline(), WAIT)
            if not line.endswith(b"\n"):
                raise Failure("connection closed while waiting for a reply")
            text = line.rstrip(b"\r\n")
            if len(text) < 3 or not text[:3].isdigit() or text[:1] not in b"2345" or text[3:4] not in (b"", b" ", b"-"):
                raise Failure(f"not an SMTP reply: {text[:60]!r}")
            if code is not None and int(text[:3]) != code:
                raise Failure("multi-line reply with changing codes")
            code = int(text[:3])
            if text[3:4] != b"-":
                if code == 421:
                    raise Failure("421: service not available")
                return code
        # not reached

    async def reply_lines(self) -> tuple[int, list[bytes]]:
        lines = []
        while True:
            line = await asyncio.wait_for(self.reader.readline(), WAIT)
            if not line.endswith(b"\n") or len(line) < 4 or not line[:3].isdigit():
                raise Failure(f"bad reply {line[:60]!r}")
            lines.append(line[4:].rstrip(b"\r\n"))
            if line[3:4] != b"-":
                return int(line[:3]), lines

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await asyncio.wait_for(self.writer.drain(), WAIT)

    async def cmd(self, line: str) -> int:
        await self.send(line.encode("ascii") + b"\r\n")
        return await self.reply()


def encode(message: bytes) -> bytes:
    text = message.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if not text.endswith(b"\n"):
        text += b"\n"
    out = []
    for line in text.split(b"\n")[:-1]:
        out.append((b"." if line.startswith(b".") else b"") + line + b"\r\n")
    return b"".join(out)


async def run(host: str, port: int, sender: str, rcpts: list[str], message: bytes) -> int:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), WAIT)
    c = Client(reader, writer)
    try:
        if (await c.reply()) // 100 != 2:
            await c.send(b"QUIT\r\n")
            raise Failure("the server refused service")
        name = "[" + writer.get_extra_info("sockname")[0] + "]"
        await c.send(f"EHLO {name}\r\n".encode())
        code, lines = await c.reply_lines()
        exts = {}
        if code // 100 == 2:
            for ln in lines[1:]:
                k, _, v = ln.decode("ascii", "replace").partition(" ")
                exts[k.upper()] = v.strip()
        elif (await c.cmd(f"HELO {name}")) // 100 != 2:
            raise Failure("HELO refused")
        body = encode(message)
        size = len(body) - body.count(b"\r\n..") - (1 if body.startswith(b"..") else 0)
        if exts.get("SIZE", "").isdigit() and 0 < int(exts["SIZE"]) < size:
            await c.cmd("QUIT")
            raise Failure("the message is larger than the server accepts")
        eight = re.search(rb"[\x80-\xff]", body) is not None
        if eight and "8BITMIME" not in exts:
            await c.cmd("QUIT")
            raise Failure("8-bit content but no 8BITMIME")
        params = (f" SIZE={size}" if "SIZE" in exts else "") + (" BODY=8BITMIME" if eight else "")
        pipelining = "PIPELINING" in exts
        todo, complete = list(rcpts), True
        while todo:
            mail = f"MAIL FROM:<{sender}>{params}\r\n"
            rcpt_lines = [f"RCPT TO:<{r}>\r\n" for r in todo]
            if pipelining:
                await c.send((mail + "".join(rcpt_lines) + "DATA\r\n").encode())
                mail_code = await c.reply()
                rcpt_codes = [await c.reply() for _ in todo]
                data_code = await c.reply()
            else:
                mail_code = await c.cmd(mail[:-2])
                if mail_code // 100 != 2:
                    await c.cmd("QUIT")
                    raise Failure(f"MAIL refused with {mail_code}")
                rcpt_codes = []
                for r in todo:
                    rcpt_codes.append(await c.cmd(f"RCPT TO:<{r}>"))
                data_code = await c.cmd("DATA") if any(x // 100 == 2 for x in rcpt_codes) else 0
            ok = [r for r, x in zip(todo, rcpt_codes) if x // 100 == 2]
            later = [r for r, x in zip(todo, rcpt_codes) if x == 452] if ok else []
            if len(ok) + len(later) < len(todo):
                complete = False
            if mail_code // 100 != 2 and pipelining:
                if data_code == 354:
                    await c.send(b".\r\n")
                    await c.reply()
                await c.cmd("QUIT")
                raise Failure(f"MAIL refused with {mail_code}")
            if data_code == 354 and not ok:
                await c.send(b".\r\n")  # RFC 2920: nothing to deliver, end the empty message
                await c.reply()
            elif data_code == 354:
                await c.send(body + b".\r\n")
                final = await c.reply()
                if final // 100 != 2:
                    await c.cmd("QUIT")
                    raise Failure(f"message refused with {final}")
            else:
                await c.cmd("RSET")
                if ok:
                    raise Failure(f"DATA refused with {data_code}")
                break
            todo = later
        await c.cmd("QUIT")
        return 0 if complete else 1
    finally:
        writer.close()


def main() -> int:
    if len(sys.argv) < 5:
        print("usage: smtp_client_asyncio.py HOST PORT SENDER RCPT...", file=sys.stderr)
        return 2
    host, port, sender, rcpts = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
    message = sys.stdin.buffer.read()
    try:
        return asyncio.run(run(host, port, sender, rcpts, message))
    except (TimeoutError, Failure, OSError, UnicodeError) as exc:
        print(f"error: {exc or type(exc).__name__}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
