"""Unit tests of the sans-I/O SMTP wire module."""

from __future__ import annotations

import pytest

from conformance.errors import IncompleteError, ProtocolError
from reference_servers.smtp import wire


def feed_bytewise(receiver: wire.DataReceiver, data: bytes) -> bytes | None:
    for i in range(len(data)):
        rest = receiver.feed(data[i:i + 1])
        if rest is not None:
            return rest + data[i + 1:]
    return None


# ---------------------------------------------------------------- lines and commands
def test_line_buffer_only_crlf_ends_a_line_and_keeps_surplus():
    lb = wire.LineBuffer()
    lb.feed(b"NOOP\nstill\rthe same\r")
    assert lb.next_line() is None
    lb.feed(b"\nQUIT\r\nRS")
    assert lb.next_line() == b"NOOP\nstill\rthe same"
    assert lb.next_line() == b"QUIT"
    assert lb.next_line() is None
    assert lb.pending == b"RS"


def test_line_buffer_too_long_line_is_skipped_and_session_continues():
    lb = wire.LineBuffer(512)
    lb.feed(b"NOOP " + b"x" * 505 + b"\r\n")  # exactly 512 octets
    assert lb.next_line() == b"NOOP " + b"x" * 505
    lb.feed(b"X" * 3000)
    assert lb.next_line() is None
    assert len(lb.pending) < 10  # bounded memory while the long line arrives
    lb.feed(b"Y" * 100 + b"\r")
    assert lb.next_line() is None
    lb.feed(b"\nNOOP\r\n")
    with pytest.raises(wire.LineTooLong):
        lb.next_line()
    assert lb.next_line() == b"NOOP"


def test_parse_command_case_and_arguments():
    cmd = wire.parse_command(b"mail from:<a@b.test> SIZE=10")
    assert cmd.verb == "MAIL" and cmd.argument == "from:<a@b.test> SIZE=10"
    assert wire.parse_command(b"QUIT").argument == ""
    with pytest.raises(ProtocolError):
        wire.parse_command(b"NO\x00OP")
    with pytest.raises(ProtocolError):
        wire.parse_command("MAIL FROM:<é@b.test>".encode())


# ---------------------------------------------------------------- paths
@pytest.mark.parametrize("arg, mailbox", [
    ("FROM:<>", ""),
    ("FROM:<a@b.test>", "a@b.test"),
    ("from:<a.b+c@B.Test> SIZE=10 BODY=8BITMIME", "a.b+c@B.Test"),
    ("FROM: <a@b.test>", "a@b.test"),
    ('FROM:<"john doe"@b.test>', '"john doe"@b.test'),
    ('FROM:<"a>b"@b.test>', '"a>b"@b.test'),
    ("FROM:<a@[127.0.0.1]>", "a@[127.0.0.1]"),
])
def test_parse_mail_valid(arg, mailbox):
    assert wire.parse_mail(arg).path.mailbox == mailbox


@pytest.mark.parametrize("arg", [
    "FROM:a@b.test", "FROM:<a@b.test", "FROM:<a@b.test>junk", "FROM:<a@exa_mple.test>", "FROM:<é@b.test>",
    "TO:<a@b.test>", "FROM:<a@b.test> SIZE=1 SIZE=2", "FROM:<a@b.test> =x", "FROM:<" + "a" * 65 + "@b.test>",
    "FROM:<a..b@b.test>",
])
def test_parse_mail_invalid(arg):
    with pytest.raises(ProtocolError):
        wire.parse_mail(arg)


def test_parse_rcpt_postmaster_route_and_case():
    assert wire.parse_rcpt("TO:<POSTMASTER>").path.mailbox == "POSTMASTER"
    routed = wire.parse_rcpt("to:<@x.test,@y.test:Smith@LOCAL.TEST>").path
    assert routed.route == ("x.test", "y.test") and routed.local_part == "Smith" and routed.domain == "LOCAL.TEST"
    assert wire.parse_rcpt("TO:<" + "a" * 64 + "@local.test>").path.local_part == "a" * 64
    with pytest.raises(ProtocolError):
        wire.parse_rcpt("TO:<>")


def test_parse_size():
    assert wire.parse_size("0") == 0 and wire.parse_size("9" * 20) == int("9" * 20)
    for bad in (None, "", "-1", "1e3", "9" * 21, "١٢"):
        with pytest.raises(ProtocolError):
            wire.parse_size(bad)


# ---------------------------------------------------------------- replies
def test_format_reply_multiline_and_enhanced():
    assert wire.format_reply(250, "a", "b", "c") == b"250-a\r\n250-b\r\n250 c\r\n"
    assert wire.format_reply(221, "bye", enhanced="2.0.0") == b"221 2.0.0 bye\r\n"
    with pytest.raises(ValueError):
        wire.format_reply(250, "x" * 600)
    with pytest.raises(ValueError):
        wire.format_reply(250, "a\r\nb")


def test_reply_parser_split_and_pipelined():
    p = wire.ReplyParser()
    p.feed(b"250-a\r\n250-b")
    assert p.next_reply() is None and p.partial
    p.feed(b"\r\n250 c\r\n354 go\r\n25")
    first = p.next_reply()
    assert first.code == 250 and first.lines == ("a", "b", "c")
    assert p.next_reply() == wire.Reply(354, ("go",))
    assert p.next_reply() is None
    p.feed(b"0\r\n")
    assert p.next_reply() == wire.Reply(250, ("",))


def test_reply_parser_rejects_mixed_codes_and_bad_lines():
    with pytest.raises(ProtocolError):
        wire.parse_replies(b"250-a\r\n251 b\r\n")
    with pytest.raises(ProtocolError):
        wire.parse_replies(b"hello\r\n")
    with pytest.raises(ProtocolError):
        wire.parse_replies(b"250 ok\n")
    assert wire.parse_replies(b"250 ok\n", strict=False)[0].code == 250
    with pytest.raises(IncompleteError):
        wire.parse_replies(b"250-a\r\n")


def test_enhanced_code_and_ehlo_keywords():
    r = wire.parse_replies(b"250-mx.test hi\r\n250-pipelining\r\n250-Size 1000\r\n250 8BITMIME\r\n")[0]
    assert wire.parse_ehlo_keywords(r) == {"PIPELINING": "", "SIZE": "1000", "8BITMIME": ""}
    assert wire.Reply(550, ("5.1.1 no such user",)).enhanced == "5.1.1"
    assert wire.Reply(550, ("no such user",)).enhanced is None


# ---------------------------------------------------------------- DATA
def test_encode_data_stuffs_normalizes_and_terminates():
    assert wire.encode_data(b".\n.x\n..\nhi") == b"..\r\n..x\r\n...\r\nhi\r\n.\r\n"
    assert wire.encode_data(b"hi\r\n") == b"hi\r\n.\r\n"
    assert wire.encode_data(b"a\rb\n") == b"a\r\nb\r\n.\r\n"
    assert wire.encode_data(b"") == b".\r\n"


def test_data_receiver_unstuffs_and_keeps_surplus():
    r = wire.DataReceiver()
    rest = r.feed(b"..foo\r\n..\r\n...\r\nmid . dot\r\n.\r\nQUIT\r\n")
    assert rest == b"QUIT\r\n"
    assert r.result.content == b".foo\r\n.\r\n..\r\nmid . dot\r\n"
    assert r.result.size == len(r.result.content)


def test_data_receiver_bytewise_matches_whole():
    msg = b"Subject: x\r\n\r\n.a\r\n\r\n..\r\nend\r\n.\r\nNOOP\r\n"
    whole = wire.DataReceiver()
    whole.feed(msg)
    split = wire.DataReceiver()
    assert feed_bytewise(split, msg) == b"NOOP\r\n"
    assert split.result.content == whole.result.content


@pytest.mark.parametrize("smuggle", [b"hi\n.\nMAIL FROM:<e@x.test>\r\n", b"hi\r.\rMAIL\r\n",
                                     b"hi\r\n.\nMAIL\r\n", b"hi\n.\r\nMAIL\r\n"])
def test_data_receiver_never_ends_on_bare_lf_or_cr(smuggle):
    r = wire.DataReceiver()
    assert r.feed(smuggle) is None
    assert r.feed(b".\r\n") == b""
    assert r.result.bare_lf or r.result.bare_cr
    assert b"MAIL" in r.result.content


def test_data_receiver_empty_message_size_limit_and_long_lines():
    r = wire.DataReceiver()
    assert r.feed(b".\r\n") == b"" and r.result.content == b""
    r = wire.DataReceiver(max_size=10)
    r.feed(b"0123456789\r\n.\r\n")
    assert r.result.oversize and r.result.content == b"" and r.result.size == 12
    r = wire.DataReceiver()
    line = b"." + b"y" * 998 + b"\r\n"  # 1000 octets once the stuffing dot is removed
    r.feed(line + b"z" * 50_000 + b"\r\n.\r\n")
    assert r.result.content.startswith(b"y" * 998 + b"\r\n")
    assert r.result.longest_line == 50_002
    assert r.result.content.endswith(b"z" * 50_000 + b"\r\n")


def test_data_receiver_eight_bit_and_nul():
    r = wire.DataReceiver()
    r.feed(bytes(range(0x80, 0x100)) + b"\x00\t\x0b\x0c  \r\n.\r\n")
    assert r.result.eight_bit and r.result.nul and not r.result.bare_cr
    assert r.result.content == bytes(range(0x80, 0x100)) + b"\x00\t\x0b\x0c  \r\n"


def _measures(receiver: wire.DataReceiver, rest: bytes | None) -> tuple:
    r = receiver.result
    return (rest, None) if r is None else (rest, r.content, r.size, r.longest_line, r.bare_lf, r.bare_cr,
                                            r.eight_bit, r.nul, r.oversize)


def _feed_pieces(data: bytes, cuts: list[int], max_size: int | None) -> tuple:
    receiver = wire.DataReceiver(max_size)
    last = 0
    for cut in [*cuts, len(data)]:
        rest = receiver.feed(data[last:cut])
        if rest is not None:
            return _measures(receiver, rest + data[cut:])
        last = cut
    return _measures(receiver, None)


_PIECES = [b"\r", b"\n", b".", b"..", b"a", b"\xe9", b"\x00", b"\r\n", b"\r\n.", b".\r\n", b"\n.\n", b"\r.\r",
           b"\r\n.\r\n", b"x" * 700, b"y" * 999]


def test_data_receiver_bulk_scan_measures_as_line_by_line():
    """Whole reads are scanned in bulk, one-octet reads line by line: same content, measures and surplus
    for every split, with end-of-data, stuffing dots, bare CR/LF, long lines and the size limit mixed in."""
    import random

    rng = random.Random(5321)
    for _ in range(400):
        data = b"".join(rng.choice(_PIECES) for _ in range(rng.randrange(0, 30)))
        if rng.random() < 0.6:
            data += b"\r\n.\r\nQUIT\r\n"
        max_size = rng.choice([None, 0, 5, 999, 1000, 1001, 4096])
        bytewise = _feed_pieces(data, list(range(1, len(data))), max_size)
        assert _feed_pieces(data, [], max_size) == bytewise, (data, max_size)
        cuts = sorted(rng.sample(range(len(data) + 1), min(len(data) + 1, rng.randrange(1, 5))))
        assert _feed_pieces(data, cuts, max_size) == bytewise, (data, cuts, max_size)


@pytest.mark.parametrize("reads, content, rest", [
    ([b"a\r\n", b"..b\r\n.\r\n"], b"a\r\n.b\r\n", b""),  # a stuffed line first in a read
    ([b"a\r", b"\n.\r\nNOOP\r\n"], b"a\r\n", b"NOOP\r\n"),  # CRLF split between reads
    ([b"a\r\n.", b"\r", b"\nX"], b"a\r\n", b"X"),  # end-of-data over three reads
    ([b"a\n.\r\nb\r\n.\r\n"], b"a\n.\r\nb\r\n", b""),  # no line starts after a bare LF
    ([b"a\r.\r\n.\r\n"], b"a\r.\r\n", b""),  # nor after a bare CR
    ([b"..\r\n...\r\n.\r\n"], b".\r\n..\r\n", b""),  # dots only
])
def test_data_receiver_line_starts_across_reads(reads, content, rest):
    r = wire.DataReceiver()
    got = [r.feed(x) for x in reads]
    assert got[:-1] == [None] * (len(reads) - 1) and got[-1] == rest
    assert r.result.content == content


def test_data_receiver_bulk_line_lengths_and_size_limit():
    r = wire.DataReceiver()
    r.feed(b"." + b"y" * 998 + b"\r\na\r\r\n" + b"z\n" * 600 + b"\r\n.\r\n")
    assert r.result.longest_line == 1202 and r.result.bare_cr and r.result.bare_lf
    exact = wire.DataReceiver(max_size=10)
    assert exact.feed(b"01234567\r\n.\r\n") == b"" and not exact.result.oversize
    assert exact.result.content == b"01234567\r\n"
    over = wire.DataReceiver(max_size=10)
    assert over.feed(b"012345678\r\n.\r\n") == b"" and over.result.oversize and over.result.size == 11


def test_dot_stuff_roundtrip():
    content = b".a\r\nb\r\n..\r\n.\r\n"
    assert wire.dot_unstuff(wire.dot_stuff(content)) == content


def test_dialogue_text():
    text = wire.dialogue_text([("S", b"220 hi\r\n"), ("C", b"EHLO x\r\nMAIL"), ("S", b"250 ok\n")])
    assert text.splitlines() == ["S: 220 hi", "C: EHLO x", "C: MAIL  [no CRLF]", "S: 250 ok\\n  [no CRLF]"]
