"""Unit tests of the reference SMTP server (in-process, loopback, port 0)."""

from __future__ import annotations

import socket
import struct
import subprocess
import sys
import threading
import time

from smtp_testlib import REPO, Raw, stored, wait_for

from reference_servers.smtp.server import Behaviour, SmtpServer


def ehlo(r: Raw) -> None:
    assert r.cmd("EHLO client.test").code == 250


def test_greeting_ehlo_helo(raw):
    r = raw()
    reply = r.cmd("EHLO client.test")
    assert reply.code == 250 and reply.lines[0].startswith("example.test")
    assert {"PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES"} <= {line.split()[0] for line in reply.lines[1:]}
    assert "SIZE 1048576" in reply.lines
    helo = r.cmd("HELO client.test")
    assert helo.code == 250 and len(helo.lines) == 1
    assert r.cmd("EHLO").code == 501
    assert r.cmd("ehlo again.test").code == 250


def test_full_transaction_delivers_with_trace_headers(raw, maildir, server):
    r = raw()
    ehlo(r)
    assert r.cmd("MAIL FROM:<sender@x.test>").code == 250
    assert r.cmd("RCPT TO:<Smith@EXAMPLE.TEST>").code == 250
    assert r.cmd("RCPT TO:<nouser@example.test>").code == 550
    assert r.cmd("DATA").code == 354
    reply = r.cmd(b"Subject: hi\r\n\r\n..dot\r\n..\r\n...\r\ntab\there\x0b\x0c  \r\n.\r\n")
    assert reply.code == 250 and reply.lines[0].startswith("2.0.0 ")
    quit_ = r.cmd("QUIT")
    assert quit_.code == 221 and "example.test" in quit_.text
    assert r.at_eof()
    (msg,) = stored(maildir)
    assert msg.startswith(b"Return-Path: <sender@x.test>\nDelivered-To: Smith@EXAMPLE.TEST\n"
                          b"Received: from client.test ([127.0.0.1])")
    assert msg.endswith(b"\nSubject: hi\n\n.dot\n.\n..\ntab\there\x0b\x0c  \n")
    assert server.accepted[0].envelope.recipients == ("Smith@EXAMPLE.TEST",)


def test_sequencing_errors_keep_state(raw, maildir):
    r = raw()
    assert r.cmd("MAIL FROM:<a@b.test>").code == 503  # before EHLO
    assert r.cmd("NOOP hi").code == 250 and r.cmd("RSET").code == 250 and r.cmd("VRFY alice").code == 250
    ehlo(r)
    assert r.cmd("RCPT TO:<alice@example.test>").code == 503
    assert r.cmd("DATA").code == 503
    assert r.cmd("MAIL FROM:<bad").code == 501
    assert r.cmd("MAIL FROM:<a@b.test>").code == 250
    assert r.cmd("MAIL FROM:<a@b.test>").code == 503
    assert r.cmd("DATA").code == 503  # no recipient
    assert r.cmd("RCPT TO:<nouser@example.test>").code == 550
    assert r.cmd("DATA").code == 503  # only rejected recipients
    assert r.cmd("RCPT TO:<alice@example.test>").code == 250
    assert r.cmd("RSET").code == 250
    assert r.cmd("DATA").code == 503
    assert r.cmd("MAIL FROM:<a@b.test>").code == 250
    assert r.cmd("RCPT TO:<alice@example.test>").code == 250
    ehlo(r)  # resets like RSET
    assert r.cmd("DATA").code == 503
    assert stored(maildir) == []


def test_command_errors(raw):
    r = raw()
    ehlo(r)
    assert r.cmd("FOOBAR").code == 500
    assert r.cmd("EXPN list").code == 502
    assert r.cmd("SAML FROM:<a@b.test>").code == 502
    assert r.cmd("HELP").code == 214 and r.cmd("HELP DATA").code == 214 and r.cmd("HELP XYZZY").code == 504
    assert r.cmd("RSET now").code == 501 and r.cmd("QUIT now").code == 501 and r.cmd("DATA now").code == 501
    assert r.cmd("MAIL FROM:<a@b.test> FOO=BAR").code == 555
    assert r.cmd("MAIL FROM:<a@b.test> BODY=BINARYMIME").code == 555
    assert r.cmd("MAIL FROM:<a@b.test> SIZE=1 SIZE=2").code == 501
    assert r.cmd("MAIL FROM:<a@b.test> SIZE=99999999").code == 552
    assert r.cmd("MAIL FROM:<é@b.test>".encode() + b"\r\n").code == 500
    assert r.cmd(b"NO\x00OP\r\n").code == 500
    assert r.cmd("MAIL FROM:<> SIZE=10 BODY=8bitmime").code == 250
    assert r.cmd("RCPT TO:<a@exa_mple.test>").code == 501
    assert r.cmd('RCPT TO:<"john doe"@example.test>').code == 250
    assert r.cmd("RCPT TO:<POSTMASTER>").code == 250
    assert r.cmd("RCPT TO:<@relay.test:alice@example.test>").code == 250
    assert r.cmd("RCPT TO:<victim@elsewhere.test>").code == 550  # never relays
    for reply in (r.cmd("NOOP"),):
        assert reply.code == 250


def test_enhanced_codes_on_every_applicable_reply(raw):
    r = raw()
    ehlo(r)
    replies = [r.cmd(c) for c in ("FOOBAR", "MAIL FROM:<x", "RCPT TO:<a@example.test>", "NOOP", "RSET",
                                  "VRFY nouser", "HELP", "MAIL FROM:<a@b.test>", "RCPT TO:<nouser@example.test>",
                                  "QUIT")]
    for reply in replies:
        for line in reply.lines:
            assert line[:1] == str(reply.klass) and line[1] == ".", reply


def test_line_limits(raw):
    r = raw()
    assert r.cmd(b"NOOP " + b"x" * 505 + b"\r\n").code == 250  # 512 octets
    assert r.cmd(b"NOOP " + b"x" * 4096 + b"\r\n").code == 500
    assert r.cmd("NOOP").code == 250
    r.send(b"NOOP\n")
    r.sock.settimeout(0.3)
    try:
        data = r.sock.recv(100)
    except TimeoutError:
        data = b""
    assert data == b""  # bare LF does not end a command
    r.sock.settimeout(5)
    assert r.cmd(b"\r\n").code == 500  # "NOOP\n" is one invalid line


def test_pipelining_in_one_segment(raw):
    r = raw()
    r.send(b"EHLO x.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<nouser@example.test>\r\nDATA\r\n")
    codes = [r.reply().code for _ in range(5)]
    assert codes == [250, 250, 250, 550, 354]
    r.send(b"hi\r\n.\r\nQUIT\r\n")
    assert r.reply().code == 250 and r.reply().code == 221


def test_trickled_commands_and_end_of_data(raw, maildir):
    r = raw()
    for b in b"EHLO x.test\r\n":
        r.send(bytes([b]))
    assert r.reply().code == 250
    r.send(b"MAIL FROM:<a@b.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n")
    assert [r.reply().code for _ in range(3)] == [250, 250, 354]
    r.send(b"body")
    for b in b"\r\n.\r\n":
        time.sleep(0.02)
        r.send(bytes([b]))
    assert r.reply().code == 250
    assert stored(maildir)[0].endswith(b"\nbody\n")


def test_bare_lf_smuggling_is_refused(raw, maildir):
    r = raw()
    r.send(b"EHLO x\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n")
    assert [r.reply().code for _ in range(4)] == [250, 250, 250, 354]
    r.send(b"Subject: x\r\n\r\nhi\n.\nMAIL FROM:<evil@x.test>\r\nRCPT TO:<bob@example.test>\r\n.\r\nNOOP\r\n")
    assert r.reply().code == 554
    assert r.reply().code == 250  # the NOOP, nothing in between
    assert stored(maildir) == []


def test_size_limit_and_long_text_lines(maildir):
    with SmtpServer(maildir=maildir, max_size=5000) as srv:
        r = Raw(srv.address())
        r.reply()
        ehlo(r)
        body = b"..x\r\n" * 1250  # 5000 octets once un-stuffed
        for content, code in ((body, 250), (body + b"y\r\n", 552), (b"z" * 1200 + b"\r\n", 500)):
            r.send(b"MAIL FROM:<a@b.test> SIZE=5000\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n")
            assert [r.reply().code for _ in range(3)] == [250, 250, 354]
            assert r.cmd(content + b".\r\n").code == code
        assert r.cmd("NOOP").code == 250
        r.close()
    assert len(stored(maildir)) == 1


def test_recipient_limit_452(maildir):
    with SmtpServer(maildir=maildir, max_recipients=3) as srv:
        r = Raw(srv.address())
        r.reply()
        ehlo(r)
        r.cmd("MAIL FROM:<a@b.test>")
        codes = [r.cmd(f"RCPT TO:<u{i}@example.test>").code for i in range(4)]
        assert codes == [250, 250, 250, 452]
        assert r.cmd("DATA").code == 354 and r.cmd(b"hi\r\n.\r\n").code == 250
        r.close()
    assert len(stored(maildir)) == 3


def test_storage_failure_gives_451_and_delivers_nothing(maildir):
    with SmtpServer(maildir=maildir, fail_delivery=True) as srv:
        r = Raw(srv.address())
        r.reply()
        r.send(b"HELO x\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n")
        assert [r.reply().code for _ in range(4)] == [250, 250, 250, 354]
        assert r.cmd(b"hi\r\n.\r\n").code == 451
        r.close()
    assert stored(maildir) == []


def test_idle_timeout_says_421(maildir):
    with SmtpServer(maildir=maildir, idle_timeout=0.3) as srv:
        r = Raw(srv.address())
        r.reply()
        t = time.monotonic()
        reply = r.reply()
        assert reply.code == 421 and "example.test" in reply.text
        assert r.at_eof() and time.monotonic() - t < 3
        r.close()


def test_shutdown_says_421_to_open_sessions(maildir):
    srv = SmtpServer(maildir=maildir).start()
    r = Raw(srv.address())
    r.reply()
    ehlo(r)
    srv.stop()
    assert r.reply().code == 421
    r.close()


def test_quit_mid_transaction_and_reset_deliver_nothing(raw, maildir, server):
    r = raw()
    r.send(b"EHLO x\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n")
    assert [r.reply().code for _ in range(4)] == [250, 250, 250, 354]
    r.send(b"half a bo")
    r.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    r.close()
    for _ in range(20):  # resets never hurt the server
        s = socket.create_connection(server.address(), timeout=2)
        s.sendall(b"EHLO x\r\nMAI")
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    r2 = raw()
    assert r2.cmd("NOOP").code == 250
    assert stored(maildir) == []


def test_concurrent_sessions_do_not_block_each_other(raw):
    idle = raw()
    idle.send(b"MAIL FROM:<a@b")  # stays mid-command
    other = raw()
    ehlo(other)
    assert other.cmd("QUIT").code == 221


def test_half_close_after_quit_gets_full_replies(server):
    with socket.create_connection(server.address(), timeout=5) as s:
        s.sendall(b"EHLO x\r\nNOOP\r\nQUIT\r\n")
        s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    assert data.count(b"\r\n250") >= 1 and data.endswith(b"\r\n") and b"\r\n221 " in data


def test_behaviours_record_and_misbehave(maildir):
    beh = Behaviour(replies={"GREETING": "220-a\n220 b", "RCPT bob@example.test": "550 5.1.1 no bob",
                             "EOD": "451 4.3.0 later"}, split_pause=0.05, extensions=("SIZE 10",))
    with SmtpServer(maildir=maildir, behaviour=beh) as srv:
        r = Raw(srv.address())
        assert r.reply().lines == ("a", "b")
        reply = r.cmd("EHLO x")
        assert reply.lines[1:] == ("SIZE 10",)
        assert r.cmd("MAIL FROM:<a@b.test> BODY=8BITMIME").code == 555  # not advertised
        assert r.cmd("MAIL FROM:<a@b.test>").code == 250
        assert r.cmd("RCPT TO:<bob@example.test>").code == 550
        assert r.cmd("RCPT TO:<alice@example.test>").code == 250
        assert r.cmd("DATA").code == 354
        assert r.cmd(b"hi\r\n.\r\n").code == 451
        assert r.cmd("QUIT").code == 221
        r.close()
        (log,) = srv.wait_sessions_closed(1)
    assert stored(maildir) == []
    assert log.end == "quit" and b"RCPT TO:<bob@example.test>" in log.received()
    assert "C: MAIL FROM:<a@b.test>" in log.dialogue() and "S: 220-a" in log.dialogue()
    assert not any(c.ahead for c in log.commands)


def test_behaviour_refuse_stall_reset(maildir):
    with SmtpServer(behaviour=Behaviour(replies={"GREETING": "554 5.7.0 no service"})) as srv:
        r = Raw(srv.address())
        assert r.reply().code == 554
        assert r.cmd("EHLO x").code == 503
        assert r.cmd("QUIT").code == 221
        r.close()
    with SmtpServer(behaviour=Behaviour(replies={"MAIL": "reset"})) as srv:
        r = Raw(srv.address())
        r.reply()
        ehlo(r)
        r.send(b"MAIL FROM:<a@b.test>\r\n")
        try:
            assert r.sock.recv(100) == b""
        except ConnectionResetError:
            pass
        r.close()
    with SmtpServer(behaviour=Behaviour(replies={"MAIL": "stall"}), idle_timeout=2) as srv:
        r = Raw(srv.address(), timeout=0.3)
        r.reply()
        ehlo(r)
        r.send(b"MAIL FROM:<a@b.test>\r\n")
        try:
            r.sock.recv(100)
            raise AssertionError("stall answered")
        except TimeoutError:
            pass
        r.close()


def test_pipelined_client_is_detected(maildir):
    with SmtpServer(behaviour=Behaviour(reply_delay=0.1, greeting_delay=0.1)) as srv:
        r = Raw(srv.address())
        r.send(b"EHLO x\r\n")  # early talker: before the greeting was read
        time.sleep(0.05)
        r.send(b"NOOP\r\nNOOP\r\n")
        assert [r.reply().code for _ in range(4)] == [220, 250, 250, 250]
        r.close()
        (log,) = srv.wait_sessions_closed(1)
    assert [c.ahead for c in log.commands][:3] == [True, True, True]


def test_standalone_prints_listening_and_delivers(tmp_path):
    md = tmp_path / "md"
    proc = subprocess.Popen([sys.executable, "-m", "reference_servers.smtp", "--port", "0", "--maildir", str(md)],
                            stdout=subprocess.PIPE, cwd=REPO)
    try:
        line = proc.stdout.readline().decode().split()
        assert line[:3] == ["LISTENING", "tcp", "127.0.0.1"]
        r = Raw(("127.0.0.1", int(line[3])))
        r.reply()
        r.send(b"EHLO x\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n")
        assert [r.reply().code for _ in range(4)] == [250, 250, 250, 354]
        assert r.cmd(b"hello\r\n.\r\n").code == 250
        r.close()
        wait_for(lambda: stored(md))
    finally:
        proc.terminate()
        proc.wait(10)


def test_many_sessions_in_parallel(server, maildir):
    errors = []

    def one(i):
        try:
            r = Raw(server.address())
            r.reply()
            r.send(f"EHLO c{i}.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<u{i}@example.test>\r\nDATA\r\n".encode())
            assert [r.reply().code for _ in range(4)] == [250, 250, 250, 354]
            assert r.cmd(f"token-{i}\r\n.\r\n".encode()).code == 250
            r.close()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors
    assert len(stored(maildir)) == 10
