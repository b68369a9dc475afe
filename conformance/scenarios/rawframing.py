"""How each protocol is spoken at the packet level, for the raw-packets scenarios.

Servers: one :class:`~conformance.scenarios.rawdriver.Dialogue` per protocol (what a client sends, when an
answer is whole, what of it must be equal between two exchanges).  Clients: one :class:`ClientCase` per
protocol (the reply the raw peer gives the client under test, and the outputs accepted for it).  Requests
and replies are built with each protocol's wire module where it has a builder.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from conformance.scenarios.rawdriver import GAP, Dialogue, scaled
from netconformance_fixtures.docroot import FILES
from reference_servers.gopher import wire as gopher_wire
from reference_servers.http import wire as http_wire
from reference_servers.smtp import wire as smtp_wire

# ---------------------------------------------------------------------- servers
FINAL_REPLY = re.compile(rb"(?m)^\d{3} [^\r\n]*\r?\n")


def daytime_norm(data: bytes) -> bytes:
    from reference_servers.daytime import wire

    text = data.strip()
    return b"<a daytime string>" if text and wire.nonprintable_octets(text) == [] and wire.line_count(data) <= 1 else data


def _time_norm(data: bytes) -> bytes:
    from reference_servers.time import wire

    if len(data) == 4 and abs(wire.decode(data) - time.time()) < 300:
        return b"<4 octets: the time now>"
    return data


def _http_norm(data: bytes) -> bytes:
    return re.sub(rb"(?im)^date:[^\r\n]*\r?\n", b"", data)


def _smtp_norm(data: bytes) -> bytes:
    return b" ".join(m.group(0)[:3] for m in FINAL_REPLY.finditer(data))


def _echo_complete(answer: bytes, request: bytes) -> bool:
    return len(answer) >= len(request)


def _smtp_complete(answer: bytes, request: bytes) -> bool:
    return bool(FINAL_REPLY.search(answer))


def _smtp_greeting(data: bytes) -> bool:
    return bool(FINAL_REPLY.search(data))


ECHO = Dialogue("echo", b"one byte at a time, please\r\n", ("ECHO-TCP-4",), complete=_echo_complete,
                big=bytes(range(256)) * 192)  # 48 KiB
DAYTIME = Dialogue("daytime", b"", ("DAYTIME-TCP-1",), normalise=daytime_norm)
TIME = Dialogue("time", b"", ("TIME-TCP-1",), normalise=_time_norm)
GOPHER = Dialogue("gopher", gopher_wire.format_request("/sub/nested.txt"), ("GOPHER-REQ-3",))
HTTP = Dialogue("http", http_wire.format_request("GET", "/hello.txt", [("User-Agent", "netconformance-raw")]),
                ("HTTP10-REQ-2",), normalise=_http_norm)
SMTP = Dialogue("smtp", smtp_wire.format_command("HELO", "raw.example"), ("SMTP-LINE-1",), normalise=_smtp_norm,
                complete=_smtp_complete, greeting=_smtp_greeting, farewell=smtp_wire.format_command("QUIT"),
                closing_request=smtp_wire.format_command("QUIT"))


# ---------------------------------------------------------------------- clients
@dataclass(frozen=True)
class ClientCase:
    """A reply the raw peer gives a client under test: ``answer(request)`` bytes after ``request_done``."""

    protocol: str
    reqs: tuple[str, ...]
    reset_reqs: tuple[str, ...]
    request_done: Callable[[bytes], bool] | None
    answer: Callable[[bytes], bytes]
    run_kwargs: Callable[[int], dict]
    expected: Callable[[bytes], tuple[bytes, ...]]  # accepted stdout for a given answer
    session: Callable | None = None  # session(ep, then, sent: bytearray): a dialogue instead of request/answer


ECHO_MESSAGE = b"raw echo, one byte per segment\n"
DAYTIME_TEXT = b"Sat Nov 21 11:11:17 2026\r\n"


def _gopher_text(selector: bytes) -> bytes:
    return gopher_wire.encode_text(FILES["hello.txt"])


def _gopher_outputs(answer: bytes) -> tuple[bytes, ...]:
    return tuple(gopher_wire.client_outputs(answer, "0"))


def _http_answer(_: bytes) -> bytes:
    body = FILES["hello.txt"]
    return http_wire.format_response(200, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))], body)


def _time_answer(_: bytes) -> bytes:
    from reference_servers.time import wire

    return wire.encode(time.time())


SMTP_MESSAGE = b"From: a@example.test\r\nTo: b@example.test\r\nSubject: raw\r\n\r\nOne byte at a time.\r\n"


def _smtp_session(ep, then: str, sent: bytearray) -> None:
    """A minimal SMTP server (RFC 5321 section 4.3.2 replies), every reply in one-byte segments; with
    ``then="rst"``, half the reply to the end of data, then RST.  Every byte sent is appended to ``sent``."""

    def reply(text: bytes, *, last: bool = False) -> None:
        data = text[: max(1, len(text) // 2)] if last and then == "rst" else text
        sent.extend(data)
        ep.send(data, sizes=1, gap=GAP, ack_timeout=scaled(8))
        if last and then == "rst":
            ep.rst()

    pending = b""

    def read_until(done: Callable[[bytes], bool]) -> bool:
        nonlocal pending
        while not done(pending):
            got = ep.recv_until(lambda b: len(b) > 0, scaled(8))
            if not got.data:
                return False
            pending += ep.take()
        return True

    reply(b"220 raw.example ESMTP netconformance raw peer\r\n")
    while read_until(lambda b: b"\n" in b):
        line, pending = pending.split(b"\n", 1)
        verb = line.strip()[:4].upper()
        if verb == b"DATA":
            reply(b"354 end data with <CR><LF>.<CR><LF>\r\n")
            if not read_until(lambda b: b"\r\n.\r\n" in b):
                break
            pending = pending.split(b"\r\n.\r\n", 1)[1]
            reply(b"250 2.0.0 queued as RAW1\r\n", last=True)
            if then == "rst":
                break
        elif verb == b"QUIT":
            reply(b"221 2.0.0 bye\r\n")
            ep.fin()
            break
        elif verb in (b"EHLO", b"HELO"):
            reply(b"250 raw.example\r\n")
        elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
            reply(b"250 2.0.0 ok\r\n")
        else:
            reply(b"502 5.5.1 not implemented\r\n")


ECHO_CLIENT = ClientCase("echo", reqs=("ECHO-TCP-8",), reset_reqs=("ECHO-CLIENT-1",),
                         request_done=lambda b: len(b) >= len(ECHO_MESSAGE), answer=lambda request: request,
                         run_kwargs=lambda port: {"stdin": ECHO_MESSAGE}, expected=lambda a: (ECHO_MESSAGE,))
DAYTIME_CLIENT = ClientCase("daytime", reqs=("DAYTIME-TCP-4",), reset_reqs=("DAYTIME-CLIENT-1",), request_done=None,
                            answer=lambda _: DAYTIME_TEXT, run_kwargs=lambda port: {},
                            expected=lambda a: (a, a.rstrip(b"\r\n"), a.rstrip(b"\r\n") + b"\n"))
TIME_CLIENT = ClientCase("time", reqs=("TIME-TCP-4",), reset_reqs=("TIME-CLIENT-1",), request_done=None,
                         answer=_time_answer, run_kwargs=lambda port: {},
                         expected=lambda a: ())  # judged by value (raw_client.expect_time)
GOPHER_CLIENT = ClientCase("gopher", reqs=("NET-TCP-1",), reset_reqs=("GOPHER-CLIENT-6",),
                           request_done=lambda b: b"\n" in b, answer=_gopher_text,
                           run_kwargs=lambda port: {"url": f"gopher://127.0.0.1:{port}/0/hello.txt"},
                           expected=_gopher_outputs)
SMTP_CLIENT = ClientCase("smtp", reqs=("SMTP-REPLY-5",), reset_reqs=("SMTP-CLIENT-LOST-1",), request_done=None,
                         answer=lambda _: b"",
                         run_kwargs=lambda port: {"stdin": SMTP_MESSAGE, "mail_from": "a@example.test",
                                                  "recipients": ["b@example.test"]},
                         expected=lambda a: (), session=_smtp_session)
HTTP_CLIENT = ClientCase("http", reqs=(), reset_reqs=("HTTP10-LEN-7", "HTTP10-CLIENT-6"),
                         request_done=lambda b: b"\r\n\r\n" in b, answer=_http_answer,
                         run_kwargs=lambda port: {"url": f"http://127.0.0.1:{port}/hello.txt"},
                         expected=lambda a: (FILES["hello.txt"],))
