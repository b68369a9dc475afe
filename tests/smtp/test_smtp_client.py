"""Unit tests of the reference SMTP client, run as a subprocess against the reference server's behaviours."""

from __future__ import annotations

import time

import pytest
from smtp_testlib import run_client, stored

from reference_servers.smtp.server import Behaviour, SmtpServer

MESSAGE = b"Subject: test\n\n.leading dot\n..two\n.\nend"


def session(srv):
    (log,) = srv.wait_sessions_closed(1)
    return log


def test_submits_with_pipelining_stuffing_and_quit(maildir):
    with SmtpServer(maildir=maildir) as srv:
        run = run_client(srv.port, message=MESSAGE)
        log = session(srv)
    assert run.returncode == 0, run.stderr
    sent = log.received()
    assert b"\r\n..leading dot\r\n...two\r\n..\r\nend\r\n.\r\nQUIT\r\n" in sent
    assert sent.startswith(b"EHLO [127.0.0.1]\r\nMAIL FROM:<me@x.test> SIZE=")
    assert b"\n" not in sent.replace(b"\r\n", b"")
    assert not log.content_ahead
    assert stored(maildir)[0].endswith(b"Subject: test\n\n.leading dot\n..two\n.\nend\n")


def test_without_pipelining_one_command_per_round_trip(maildir):
    with SmtpServer(maildir=maildir, behaviour=Behaviour(extensions=(), reply_delay=0.05)) as srv:
        run = run_client(srv.port, to=("a@example.test", "b@example.test"))
        log = session(srv)
    assert run.returncode == 0, run.stderr
    assert not any(c.ahead for c in log.commands)
    assert b"SIZE=" not in log.received() and b"BODY=" not in log.received()


def test_multiline_greeting_split_replies_and_ehlo_fallback(maildir):
    beh = Behaviour(replies={"GREETING": "220-one\n220-two\n220 three", "EHLO": "500 5.5.1 what"},
                    split_pause=0.1, greeting_delay=0.2)
    with SmtpServer(maildir=maildir, behaviour=beh) as srv:
        run = run_client(srv.port)
        log = session(srv)
    assert run.returncode == 0, run.stderr
    verbs = [c.verb for c in log.commands]
    assert verbs[:2] == ["EHLO", "HELO"] and not log.commands[0].ahead


@pytest.mark.parametrize("replies, status, word", [
    ({"GREETING": "554 5.7.0 no"}, 1, "refused"),
    ({"GREETING": "421 4.3.2 busy"}, 4, "temporary"),
    ({"MAIL": "451 4.3.0 later"}, 4, "temporary"),
    ({"MAIL": "550 5.7.1 no"}, 1, "protocol"),
    ({"RCPT": "550 5.1.1 no"}, 1, "refused"),
    ({"DATA": "554 5.0.0 no"}, 1, "DATA refused"),
    ({"EOD": "451 4.3.0 later"}, 4, "temporary"),
    ({"EOD": "552 5.3.4 too big"}, 1, "refused"),
    ({"EOD": "close"}, 4, "delivery unknown"),
    ({"RCPT": "421 4.3.2 bye"}, 4, "temporary"),
    ({"RCPT": "reset"}, 4, "reset"),
    ({"EOD": b"250\r\n"}, 0, ""),
    ({"EOD": "299 odd but fine"}, 0, ""),
])
def test_reacts_to_reply_codes(replies, status, word):
    with SmtpServer(behaviour=Behaviour(replies=replies)) as srv:
        run = run_client(srv.port)
        log = session(srv)
    assert run.returncode == status, run.stderr
    assert word.encode() in run.stderr
    if replies.get("DATA", "").startswith("554") or "RCPT" in replies and replies["RCPT"].startswith("550"):
        assert b"Subject" not in log.received()  # no content after a refused DATA / no recipient


def test_partial_recipients_and_all_refused_with_pipelining(maildir):
    beh = Behaviour(replies={"RCPT bad@example.test": "550 5.1.1 no"})
    with SmtpServer(maildir=maildir, behaviour=beh) as srv:
        run = run_client(srv.port, to=("bad@example.test", "good@example.test"))
    assert run.returncode == 1 and b"bad@example.test" in run.stderr
    assert len(stored(maildir)) == 1
    # all refused, but the pipelined DATA got 354 anyway: only "." is sent (RFC 2920 3.1)
    beh = Behaviour(replies={"RCPT": "550 5.1.1 no", "DATA": "354 go on"})
    with SmtpServer(behaviour=beh) as srv:
        run = run_client(srv.port)
        log = session(srv)
    assert run.returncode == 1
    assert b"DATA\r\n.\r\nRSET\r\nQUIT\r\n" in log.received() and not log.messages


def test_too_many_recipients_are_sent_in_a_second_transaction(maildir):
    with SmtpServer(maildir=maildir, max_recipients=2) as srv:
        run = run_client(srv.port, to=[f"u{i}@example.test" for i in range(5)])
    assert run.returncode == 0, run.stderr
    assert len(stored(maildir)) == 5


def test_size_and_8bit_checks(maildir):
    with SmtpServer(behaviour=Behaviour(extensions=("SIZE 10",))) as srv:
        run = run_client(srv.port)
        log = session(srv)
    assert run.returncode == 1 and b"SIZE" in run.stderr and b"MAIL" not in log.received()
    with SmtpServer(behaviour=Behaviour(extensions=("PIPELINING",))) as srv:
        run = run_client(srv.port, message="Subject: é\n\nhé\n".encode())
        log = session(srv)
    assert run.returncode == 1 and not any(b > 0x7F for b in log.received())
    with SmtpServer(maildir=maildir) as srv:
        run = run_client(srv.port, message="Subject: é\n\nhé\n".encode())
        log = session(srv)
    assert run.returncode == 0 and b"BODY=8BITMIME" in log.received()


def test_timeouts_are_bounded():
    with SmtpServer(behaviour=Behaviour(replies={"MAIL": "stall"}), idle_timeout=5) as srv:
        t = time.monotonic()
        run = run_client(srv.port, timeout=0.5)
        elapsed = time.monotonic() - t
    assert run.returncode == 3 and b"timed out" in run.stderr
    assert elapsed < 5


def test_refused_connection_is_a_network_error():
    srv = SmtpServer().start()
    port = srv.port
    srv.stop()
    run = run_client(port, timeout=0.5)
    assert run.returncode == 3
