"""The suite's side of the SMTP client scenarios (RFC 5321): submitting through the misbehaving reference
server, reading back the session it recorded, and the verdicts on it.
"""

from __future__ import annotations

from conformance.checks import fail
from conformance.scenarios import common
from netconformance_fixtures.context import settings
from reference_servers.smtp import wire

P = {"protocol": "smtp", "role": "client"}


SENDER = "sender@client.test"


MESSAGE = (b"Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nFrom: <sender@client.test>\r\nTo: <alice@example.test>\r\n"
           b"Subject: netconformance\r\nMessage-ID: <nc-client@client.test>\r\n\r\nHello.\r\nSecond line.\r\n")


#: valid RFC 5322 header fields for the scenarios' own messages (so a client has no reason to add any)
HEAD = b"Date: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <nc-client-2@client.test>\r\nTo: <alice@example.test>\r\n"


def domain() -> str:
    """The recipients' mail domain (``--smtp-domain``); the reference peer delivers for it."""
    return settings().smtp_domain


def submit(client, transport, reference, *, msg: bytes = MESSAGE, rcpts=("alice",), **options):
    """Start the reference server with ``options``, run the client once for ``rcpts`` (local parts or
    full addresses; a bare local part gets ``@domain()``); return (run, server, session log)."""
    rcpts = [r if "@" in r else f"{r}@{domain()}" for r in rcpts]
    srv = reference(**options)
    run = common.run_client(client, srv.address("tcp"), transport, msg, mail_from=SENDER, recipients=list(rcpts))
    try:
        logs = srv.wait_sessions_closed(1, settings().scaled(6))
    except TimeoutError:
        logs = list(srv.sessions)
    return run, srv, (logs[0] if logs else None)


def dialogue(log) -> str:
    if log is None:
        return "dialogue: (the client never connected)"
    return "dialogue:\n" + "\n".join("            " + ln for ln in log.dialogue(2500).splitlines())


def verdict(cond, reqs, summary: str, log, run=None, **kw) -> None:
    if not cond:
        extra = f"client {run.describe()}\n  " if run is not None else ""
        fail(reqs, summary, detail=extra + dialogue(log), **kw)


def expect_ok(run, log, reqs, summary: str) -> None:
    verdict(run.status == 0 and not run.hung, reqs, f"{summary}: the client did not report success", log, run,
            expected="exit status 0")


def expect_failure(run, log, reqs, summary: str, *, hang_reqs=None) -> None:
    """The client must report the failure: exit non-zero within its timeout.  A claimed success names ``reqs``; a
    hang names ``hang_reqs`` (default ``reqs``; ``NET-TCP-8`` where the hang is only an unbounded wait)."""
    verdict(not run.hung, hang_reqs or reqs, f"{summary}: the client hung", log, run,
            expected="a non-zero exit within its timeout")
    verdict(run.status != 0, reqs, f"{summary}: the client claimed success", log, run, expected="a non-zero exit status")


def sent_by(log) -> bytes:
    """Every octet the client sent (empty if it never connected)."""
    return log.received() if log else b""


def commands(log) -> list[str]:
    return [c.verb for c in log.commands] if log else []


def expected_content(msg: bytes) -> bytes:
    content = wire.to_crlf(msg)
    return content if content.endswith(b"\r\n") else content + b"\r\n"


def _fields(head: bytes) -> list[bytes]:
    """The header fields of a header block (CRLF lines), each with its folded continuation lines."""
    out: list[bytes] = []
    for line in head.split(b"\r\n"):
        if out and line[:1] in (b" ", b"\t"):
            out[-1] += b"\r\n" + line
        elif line:
            out.append(line)
    return out


def same_message(got: bytes | None, msg: bytes) -> bool:
    """Whether ``got`` (the content the server received) is ``msg`` as RFC 5321 lets a client send it: the
    body octet for octet (CRLF line ends, a final CRLF added if missing, no extra line: §4.1.1.4) and every
    header field of ``msg`` unchanged and in order.  The client may add header fields of its own anywhere
    in the header section (a submission client adds Date or Message-ID to a message lacking them, RFC 6409
    §8; an MTA prepends trace fields, RFC 5321 §4.4): that is structure, not a change of the message."""
    if got is None:
        return False
    want = expected_content(msg)
    if got == want:
        return True
    w_head, w_sep, w_body = want.partition(b"\r\n\r\n")
    g_head, g_sep, g_body = got.partition(b"\r\n\r\n")
    if not (w_sep and g_sep) or w_body != g_body:
        return False
    fields = iter(_fields(g_head))
    return all(any(f == g for g in fields) for f in _fields(w_head))
