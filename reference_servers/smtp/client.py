"""Reference SMTP client: ``python -m reference_servers.smtp.client --host H --port P --from A --to B [--to C]``.

Reads an RFC 5322 message on standard input and submits it (docs/design.md §5, RFC 5321 §3.3):

* waits for the whole greeting, multi-line included, before sending anything (SMTP-CONN-3/4);
* ``EHLO`` with its name (default the address literal of its own socket, ``[127.0.0.1]``), falling back
  to ``HELO`` when EHLO is refused with 5yz (SMTP-EHLO-9, SMTP-EHLO-11); keywords are matched
  case-insensitively (SMTP-EHLO-4) and only advertised extensions are used (SMTP-EHLO-10);
* ``SIZE=`` when SIZE is advertised, and no transfer at all when the message is over the advertised
  maximum (SMTP-SIZE-9); ``BODY=8BITMIME`` for 8-bit content when 8BITMIME is advertised, and a refusal
  before MAIL when it is not (SMTP-8BIT-4);
* with PIPELINING, MAIL, every RCPT and DATA in one write, each reply checked in order; if DATA got 354
  although no recipient was accepted, it sends just ``.`` (RFC 2920 §3.1, SMTP-PIPE-2/3); without
  PIPELINING one command per round trip (SMTP-SEQ-8);
* no DATA when no recipient was accepted (SMTP-CLIENT-3); content only after 354 (SMTP-SEQ-9);
  recipients refused with 452 are sent in a following transaction (SMTP-LIMIT-4);
* line endings turned into CRLF, a final CRLF added if missing, dots stuffed (SMTP-DATA-3/5/6);
* ``QUIT`` at the end, waiting for 221 (SMTP-QUIT-4);
* acts on reply codes only, by their first digit (SMTP-REPLY-4), 421 at any time included (SMTP-421-2).

Exit status (clientbase): 0 every recipient accepted the message; 1 a 5yz (permanent) failure for the
message or for some recipient; 4 a 4yz (temporary) failure, a 421, or the connection lost before the
final reply (SMTP-CLIENT-LOST-1: never reported as delivered); 3 network error or timeout (every wait is
bounded by ``--timeout`` seconds, per command: SMTP-TIMEOUT-1); 2 usage.
"""

from __future__ import annotations

import socket
import sys
from dataclasses import dataclass, field

from reference_servers import clientbase
from reference_servers.clientbase import TemporaryFailure
from reference_servers.errors import ProtocolError
from reference_servers.smtp import wire

#: how the suite launches this client (docs/design.md §3 placeholders; ``--to={to}`` repeats per recipient)
CONTRACT_ARGS = ("--host", "{host}", "--port", "{port}", "--from={from}", "--to={to}", "--timeout", "{timeout}")


class PermanentFailure(ProtocolError):
    """A 5yz reply ended the submission (exit status 1)."""


class ConnectionLost(TemporaryFailure):
    """421, a reset or a close: the session is over (no QUIT is sent), temporary failure (§3.8)."""

    connection_lost = True


@dataclass
class Outcome:
    """What happened to the message: recipients ``accepted`` (it was delivered to them), ``refused``
    permanently (5yz) and ``deferred`` (4yz), each with the reply."""

    accepted: list[str] = field(default_factory=list)
    refused: dict[str, wire.Reply] = field(default_factory=dict)
    deferred: dict[str, wire.Reply] = field(default_factory=dict)


class Connection:
    """One SMTP connection: sends commands, reads replies (bounded by ``timeout`` per wait)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.parser = wire.ReplyParser(strict=False, line_limit=64 * 1024)

    def send(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise ConnectionLost(f"connection lost while sending: {exc.strerror or exc}") from exc

    def reply(self) -> wire.Reply:
        """The next complete reply.  A 421 raises :class:`TemporaryFailure` (SMTP-421-2).

        Raises:
            TemporaryFailure: 421, or the server closed the connection (treated as 451, §3.8).
            TimeoutError: no complete reply within the timeout of one wait.
            ProtocolError: malformed reply.
        """
        while (r := self.parser.next_reply()) is None:
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError as exc:
                raise ConnectionLost("connection reset by the server") from exc
            if not data:
                raise ConnectionLost("connection closed by the server before it replied")
            self.parser.feed(data)
        if r.code == 421:
            raise ConnectionLost(f"service not available: {r}")
        return r

    def command(self, line: bytes) -> wire.Reply:
        self.send(line)
        return self.reply()


def _fail(reply: wire.Reply, what: str) -> ProtocolError:
    if reply.klass == 4:
        return TemporaryFailure(f"{what}: {reply}")
    return PermanentFailure(f"{what}: {reply}")


def _own_name(local) -> str:
    """The EHLO argument: an address literal, RFC 5321 §4.1.3 (``[IPv6:...]`` for IPv6); over AF_UNIX, where
    the socket has no address, the domain ``localhost`` (the session never leaves this host)."""
    if isinstance(local, str):
        return "localhost"
    return f"[IPv6:{local[0]}]" if ":" in local[0] else f"[{local[0]}]"


def submit(host: str, port: int, sender: str, recipients: list[str], message: bytes, *, timeout: float,
           helo: str | None = None) -> Outcome:
    """Submit ``message`` from ``sender`` to ``recipients``; return the outcome.

    Raises:
        TemporaryFailure: 4yz/421/lost connection.  PermanentFailure: 5yz for the whole message.
        ProtocolError, TimeoutError, OSError.
    """
    eight_bit = any(b > 0x7F for b in message)
    data = wire.encode_data(message)
    size = len(data) - len(wire.END_OF_DATA) - _stuffing_dots(data)
    with clientbase.connect(host, port, timeout) as sock:
        conn = Connection(sock)
        greeting = conn.reply()
        if greeting.klass != 2:
            _quit(conn)
            raise _fail(greeting, "server refused the session")
        name = helo or _own_name(sock.getsockname())
        ehlo = conn.command(wire.format_command("EHLO", name))
        if ehlo.klass == 2:
            exts = wire.parse_ehlo_keywords(ehlo)
        else:
            exts = {}
            hello = conn.command(wire.format_command("HELO", name))
            if hello.klass != 2:
                _quit(conn)
                raise _fail(hello, "HELO refused")
        params = []
        if "SIZE" in exts:
            limit = exts["SIZE"].split(" ")[0]
            if limit.isdigit() and int(limit) and size > int(limit):
                _quit(conn)
                raise PermanentFailure(f"message of {size} octets exceeds the server's SIZE limit {limit}")
            params.append(f"SIZE={size}")
        if eight_bit:
            if "8BITMIME" not in exts:
                _quit(conn)
                raise PermanentFailure("message has 8-bit content and the server does not offer 8BITMIME")
            params.append("BODY=8BITMIME")
        outcome = Outcome()
        pending = list(recipients)
        while pending:
            before = len(outcome.accepted)
            try:
                pending = _transaction(conn, sender, pending, params, data, "PIPELINING" in exts, outcome)
            except (PermanentFailure, TemporaryFailure) as exc:
                if not getattr(exc, "connection_lost", False):
                    _quit(conn)
                raise
            if len(outcome.accepted) == before:
                break  # 452 without progress: report the rest as deferred
        for rcpt in pending:
            outcome.deferred.setdefault(rcpt, wire.Reply(452, ("4.5.3 Too many recipients",)))
        _quit(conn)
    return outcome


def _stuffing_dots(data: bytes) -> int:
    return data.count(b"\r\n..") + (1 if data.startswith(b"..") else 0)


def _transaction(conn: Connection, sender: str, recipients: list[str], params: list[str], data: bytes,
                 pipelining: bool, outcome: Outcome) -> list[str]:
    """One mail transaction; return the recipients refused with 452 (to retry in another transaction)."""
    mail = wire.format_command("MAIL", f"FROM:<{sender}>" + "".join(" " + p for p in params))
    rcpts = [wire.format_command("RCPT", f"TO:<{r}>") for r in recipients]
    retry: list[str] = []
    if pipelining:
        conn.send(mail + b"".join(rcpts) + b"DATA\r\n")
        mail_reply = conn.reply()
        rcpt_replies = [conn.reply() for _ in recipients]
        data_reply = conn.reply()
    else:
        mail_reply = conn.command(mail)
        if mail_reply.klass != 2:
            raise _fail(mail_reply, "sender refused")
        rcpt_replies = []
        for line in rcpts:
            rcpt_replies.append(conn.command(line))
        data_reply = None
    if mail_reply.klass != 2:
        if data_reply is not None and data_reply.code == 354:
            conn.command(b".\r\n")
        raise _fail(mail_reply, "sender refused")
    accepted = []
    for rcpt, r in zip(recipients, rcpt_replies):
        if r.klass == 2:
            accepted.append(rcpt)
        elif r.code == 452 or (r.code == 552 and "recipient" in r.text.lower()):
            retry.append(rcpt)  # too many recipients: next transaction (§4.5.3.1.10, SMTP-LIMIT-4)
        elif r.klass == 4:
            outcome.deferred[rcpt] = r
        else:
            outcome.refused[rcpt] = r
    if not accepted:
        if data_reply is not None and data_reply.code == 354:
            conn.command(b".\r\n")  # RFC 2920 §3.1: an empty message, which the server must not deliver
        conn.command(b"RSET\r\n")
        return retry
    if data_reply is None:
        data_reply = conn.command(b"DATA\r\n")
    if data_reply.code != 354:
        conn.command(b"RSET\r\n")
        raise _fail(data_reply, "DATA refused")
    conn.send(data)
    try:
        final = conn.reply()
    except ConnectionLost as exc:
        raise ConnectionLost(f"no reply after end-of-data, delivery unknown: {exc}") from exc
    if final.klass != 2:
        raise _fail(final, "message refused")
    outcome.accepted.extend(accepted)
    return retry


def _quit(conn: Connection) -> None:
    """QUIT and wait for 221; a server that already went away is not an error here."""
    try:
        conn.command(b"QUIT\r\n")
    except (OSError, ProtocolError):
        pass


def run(args) -> bytes | None:
    message = sys.stdin.buffer.read()
    outcome = submit(args.host, args.port, args.sender, args.to, message, timeout=args.timeout, helo=args.helo)
    if outcome.refused:
        raise PermanentFailure("; ".join(f"<{r}> refused: {rep}" for r, rep in outcome.refused.items())
                               + f" (delivered to {len(outcome.accepted)} other recipient(s))")
    if outcome.deferred:
        raise TemporaryFailure("; ".join(f"<{r}> deferred: {rep}" for r, rep in outcome.deferred.items())
                               + f" (delivered to {len(outcome.accepted)} other recipient(s))")
    return None


def main(argv: list[str] | None = None) -> int:
    p = clientbase.client_parser("python -m reference_servers.smtp.client",
                                 "Reference SMTP client (RFC 5321): submits the message on stdin.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=25)
    p.add_argument("--from", dest="sender", required=True, help="reverse-path (empty for <>)")
    p.add_argument("--to", action="append", required=True, help="recipient (repeatable)")
    p.add_argument("--helo", help="name for EHLO/HELO (default: address literal of the local socket)")
    args = p.parse_args(argv)
    return clientbase.client_main("smtp", lambda: run(args))


if __name__ == "__main__":
    sys.exit(main())
