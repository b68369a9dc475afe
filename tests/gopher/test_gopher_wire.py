"""Unit tests of the sans-I/O gopher wire module."""

from __future__ import annotations

import pytest

from conformance.errors import IncompleteError, ProtocolError
from reference_servers.gopher import wire
from reference_servers.gopher.peer import Behaviour


# ---------------------------------------------------------------- requests
def test_parse_request_crlf_and_surplus():
    req, used = wire.parse_request(b"/a b\r\njunk")
    assert req == wire.Request("/a b", (), b"\r\n")
    assert used == 6


def test_parse_request_bare_lf_is_tolerated():
    req, used = wire.parse_request(b"/x\n")
    assert req.selector == "/x" and req.line_ending == b"\n" and used == 3


def test_parse_request_incomplete_until_lf():
    with pytest.raises(IncompleteError):
        wire.parse_request(b"/dir/sub\r")


def test_parse_request_fields_search_and_gopher_plus():
    req, _ = wire.parse_request(b"search:\tgopher protocol\t+\r\n")
    assert req.selector == "search:" and req.search == "gopher protocol" and req.gopher_plus
    assert not wire.parse_request(b"/s\tfoo\r\n")[0].gopher_plus


def test_parse_request_too_long():
    with pytest.raises(ProtocolError) as exc:
        wire.parse_request(b"a" * 5000, max_length=4096)
    assert exc.value.requirement == "GOPHER-REQ-6"
    wire.parse_request(b"a" * 255 + b"\r\n", max_length=255)  # exactly the limit is fine


@pytest.mark.parametrize("line, req", [(b"/a\0b\r\n", "GOPHER-SEC-1"), (b"/a\rb\r\n", "GOPHER-REQ-2")])
def test_parse_request_rejects_nul_and_stray_cr(line, req):
    with pytest.raises(ProtocolError) as exc:
        wire.parse_request(line)
    assert exc.value.requirement == req


def test_format_request_is_opaque():
    sel = " Weird Sel/%20\u00e4\x7f"
    assert wire.format_request(sel) == sel.encode("utf-8") + b"\r\n"
    assert wire.format_request("/s", "foo bar") == b"/s\tfoo bar\r\n"
    with pytest.raises(ValueError):
        wire.format_request("a\tb")


def test_non_utf8_selector_round_trips():
    req, _ = wire.parse_request(b"/caf\xe9\r\n")
    assert wire.format_request(req.selector) == b"/caf\xe9\r\n"


# ---------------------------------------------------------------- menus
def test_menu_line_round_trip():
    item = wire.MenuItem("0", "About", "/about.txt", "gopher.example", 7070)
    line = wire.format_menu_line(item)
    assert line == b"0About\t/about.txt\tgopher.example\t7070\r\n"
    assert wire.parse_menu_line(line[:-2]) == item


def test_menu_line_refuses_tab_in_fields():
    with pytest.raises(ValueError):
        wire.format_menu_line(wire.MenuItem("0", "a\tb", "/x", "h", 70))


@pytest.mark.parametrize("line", [b"0About /about.txt host 70", b"0About\t/a\thost", b"0About\t/a\thost\t70000",
                                  b"0About\t/a\thost\t 70"])
def test_strict_menu_line_errors(line):
    with pytest.raises(ProtocolError) as exc:
        wire.parse_menu_line(line)
    assert exc.value.requirement == "GOPHER-MENU-1"


def test_spaces_instead_of_tabs_hint():
    with pytest.raises(ProtocolError, match="spaces instead of TABs"):
        wire.parse_menu_line(b"0About /about.txt host 70")


def test_lenient_menu_line_fills_missing_fields_and_ignores_gopher_plus():
    assert wire.parse_menu_line(b"iHello", strict=False) == wire.MenuItem("i", "Hello", "", "", 0)
    item = wire.parse_menu_line(b"1Dir\t/d\thost\t70\t+", strict=True)
    assert item.port == 70 and item.extra == ("+",)
    assert wire.parse_menu_line(b"1Dir\t/d\thost\t70 ", strict=False).port == 70


def test_parse_menu_strict_and_lenient():
    good = b"0A\t/a\th\t70\r\niInfo\tfake\t(NULL)\t0\r\n.\r\n"
    assert [i.itemtype for i in wire.parse_menu(good)] == ["0", "i"]
    with pytest.raises(ProtocolError) as exc:
        wire.parse_menu(good.replace(b"\r\n", b"\n"))
    assert exc.value.requirement == "GOPHER-MENU-1"
    with pytest.raises(ProtocolError) as exc:
        wire.parse_menu(good[:-3])
    assert exc.value.requirement == "GOPHER-MENU-2"
    with pytest.raises(ProtocolError) as exc:
        wire.parse_menu(b"0A\t/a\th\t70\r\n.\n")
    assert exc.value.requirement == "GOPHER-MENU-2"
    lenient = wire.parse_menu(b"0A\t/a\th\t70\n\niBare\n", strict=False)
    assert [(i.itemtype, i.display) for i in lenient] == [("0", "A"), ("i", "Bare")]


def test_check_menu_framing():
    wire.check_menu_framing(b".\r\n")
    with pytest.raises(ProtocolError, match="after the lastline"):
        wire.check_menu_framing(b".\r\nextra")


def test_error_menu_and_error_message():
    data = wire.error_menu("no\tsuch thing")
    assert data == b"3no such thing\t\terror.host\t1\r\n.\r\n"
    assert wire.error_message(data) == "no such thing"
    assert wire.error_message(b"3 little pigs\r\n.\r\n") is None  # a text, not an error menu
    assert wire.error_message(b"0A\t/a\th\t70\r\n.\r\n") is None


def test_selectable_and_url_items():
    assert not wire.info_item("x").selectable
    link = wire.MenuItem("h", "web", "URL:http://example.test/", "h", 70)
    assert link.url == "http://example.test/" and not link.selectable
    assert wire.MenuItem("9", "b", "/b", "h", 70).selectable


def test_framing_by_type():
    assert [wire.framing(t) for t in "0179gIh8iZ"] == [
        "lastline", "lastline", "lastline", "close", "close", "close", "close", "none", "none", "close"]


# ---------------------------------------------------------------- text
def test_encode_text_stuffs_and_terminates():
    assert wire.encode_text(b".hidden\n.\n..x\n") == b"..hidden\r\n..\r\n...x\r\n.\r\n"
    assert wire.encode_text(b"") == b".\r\n"
    assert wire.encode_text(b"no newline") == b"no newline\r\n.\r\n"
    assert wire.encode_text(b"crlf\r\nkept\r\n") == b"crlf\r\nkept\r\n.\r\n"
    assert wire.encode_text(b".a\n", stuff=False, lastline=False, line_ending=b"\n") == b".a\n"


def test_decode_text_unstuffs_and_is_lenient():
    assert wire.decode_text(b"..hidden\r\n..\r\n...x\r\n.\r\n") == b".hidden\r\n.\r\n..x\r\n"
    assert wire.decode_text(b"x\r\n..\r\n.y\r\n.\r\nafter") == b"x\r\n.\r\n.y\r\n"
    assert wire.decode_text(b".\r\n") == b""
    assert wire.decode_text(b"hello\r\n", require_lastline=False) == b"hello\r\n"
    with pytest.raises(IncompleteError):
        wire.decode_text(b"hello\r\n")


@pytest.mark.parametrize("data, end", [(b".\r\n", 3), (b".\n", 2), (b"a\r\n.\r\nzz", 6), (b"a\n.\n", 4),
                                       (b"a\r\n..\r\n", None), (b"a.\r\n", None), (b"a\r\n.", None)])
def test_find_lastline(data, end):
    assert wire.find_lastline(data) == end


def test_client_outputs():
    w = b"..x\r\n.\r\n"
    assert wire.client_outputs(w, "0") == (w, b".x\r\n")
    assert wire.client_outputs(b"A\r\n.\r\n", "9") == (b"A\r\n.\r\n",)
    assert wire.client_outputs(b"<p>\n.\n", "h") == (b"<p>\n.\n", b"<p>\n")
    assert wire.strip_trailing_lastline(b"<p>\r\n.\r\n") == b"<p>\r\n"


def test_response_reader_byte_by_byte():
    data = b"..x\r\nabc\r\n.\r\nSURPLUS"
    r = wire.ResponseReader("0")
    for i in range(len(data)):
        if r.feed(data[i:i + 1]):
            break
    assert r.complete and r.body == b"..x\r\nabc\r\n.\r\n" and not r.lastline_missing


def test_response_reader_empty_menu_and_missing_lastline():
    r = wire.ResponseReader("1")
    assert r.feed(b".\r\n")
    r = wire.ResponseReader("0")
    assert not r.feed(b"hello\r\n")
    r.feed_eof()
    assert r.complete and r.lastline_missing and r.body == b"hello\r\n"


def test_response_reader_binary_reads_to_close():
    r = wire.ResponseReader("9")
    assert not r.feed(b"a\r\n.\r\nb")
    r.feed_eof()
    assert r.body == b"a\r\n.\r\nb"


def test_response_reader_limit():
    r = wire.ResponseReader("9", limit=10)
    with pytest.raises(ProtocolError):
        r.feed(b"x" * 11)


# ---------------------------------------------------------------- URLs
def test_parse_url_forms():
    u = wire.parse_url("gopher://127.0.0.1:7070/0/file%20with%20space.txt")
    assert (u.host, u.port, u.itemtype, u.selector, u.search) == ("127.0.0.1", 7070, "0", "/file with space.txt", None)
    assert wire.parse_url("gopher://example.test").itemtype == "1"
    assert wire.parse_url("gopher://example.test/").port == 70
    s = wire.parse_url("gopher://h:70/7search:%09gopher%20protocol")
    assert s.selector == "search:" and s.search == "gopher protocol"
    assert s.request() == b"search:\tgopher protocol\r\n"
    assert wire.parse_url("gopher://[::1]:71/1/x").host == "::1"
    assert wire.parse_url("gopher://h:70/0/a?b#frag").selector == "/a?b"


@pytest.mark.parametrize("bad", ["http://x/", "gopher:///0/x", "gopher://h:99999/0x", "gopher://h:abc/"])
def test_parse_url_errors(bad):
    with pytest.raises(ProtocolError):
        wire.parse_url(bad)


def test_format_url_round_trip():
    sel = " Weird Sel/%20\u00e4\x7f\t?"
    url = wire.format_url("127.0.0.1", 7000, "0", sel.replace("\t", ""), "a b")
    back = wire.parse_url(url)
    assert back.selector == sel.replace("\t", "") and back.search == "a b"


# ---------------------------------------------------------------- behaviours
def test_behaviour_parse():
    b = Behaviour.parse("fragment=1, gap=0.002,no_lastline,error=boom,stall-after=5")
    assert (b.fragment, b.gap, b.no_lastline, b.error, b.stall_after) == (1, 0.002, True, "boom", 5)
    with pytest.raises(ValueError):
        Behaviour.parse("nonsense")
    with pytest.raises(ValueError):
        Behaviour.parse("fragment")


def test_behaviour_pieces():
    assert Behaviour(split_boundaries=True).pieces(b"ab\r\n.\r\n") == [b"ab", b"\r", b"\n", b".", b"\r", b"\n"]
    assert Behaviour(fragment=2).pieces(b"abcde") == [b"ab", b"cd", b"e"]
    assert Behaviour().pieces(b"abc") == [b"abc"]
