"""Unit tests of the sans-I/O HTTP/1.0 wire module (RFC 1945)."""

from __future__ import annotations

import pytest

from conformance.errors import IncompleteError, ProtocolError
from reference_servers.http import wire
from reference_servers.http.wire import RequestError


def test_full_request_head_and_surplus_body():
    buf = b"POST /echo HTTP/1.0\r\nContent-Length: 3\r\nX-A: b\r\n\r\nabcEXTRA"
    head, used = wire.parse_request_head(buf)
    assert (head.method, head.target, head.version) == ("POST", "/echo", (1, 0))
    assert head.headers.get("content-length") == "3"
    assert buf[used:] == b"abcEXTRA"  # NET-TCP-2: the rest is kept for the body
    assert head.raw == buf[:used]


def test_simple_request_ends_at_first_line():
    head, used = wire.parse_request_head(b"GET /index.html\r\n")
    assert head.simple and head.target == "/index.html" and used == 17


@pytest.mark.parametrize("prefix", [b"GET /x HTTP/1.0\r\nA: b\r", b"GET /x HTTP/1.0\r\n", b"GET /x", b"", b"\r\n"])
def test_incomplete_heads(prefix):
    with pytest.raises(IncompleteError):
        wire.parse_request_head(prefix)


def test_every_split_of_a_request_gives_the_same_head():
    buf = b"GET /a%20b HTTP/1.0\r\nUser-Agent: x\r\n y\r\nAccept: */*\r\n\r\n"
    for cut in range(len(buf)):
        with pytest.raises(IncompleteError):
            wire.parse_request_head(buf[:cut])
    head, used = wire.parse_request_head(buf)
    assert used == len(buf) and head.headers.get("User-Agent") == "x y"


def test_tolerant_request_line_bare_lf_and_tabs():
    head, _ = wire.parse_request_head(b"\r\nGET  /index.html \tHTTP/1.0\n\n")
    assert (head.method, head.target, head.version) == ("GET", "/index.html", (1, 0))


def test_header_folding_and_empty_and_repeated_values():
    buf = b"POST /e HTTP/1.0\r\nContent-Length:\r\n 5\r\nPragma:\r\nPragma: a\r\nPragma: b\r\nx:1\r\n\r\n"
    head, _ = wire.parse_request_head(buf)
    assert wire.request_content_length(head.headers) == 5
    assert head.headers.get_all("pragma") == ["", "a", "b"]
    assert head.headers.get("X") == "1"


@pytest.mark.parametrize("line", [
    b"GARBAGE", b"GET / HTTP/1.0 extra", b"GET", b"GET /\x00 HTTP/1.0", b"GET / HTTP/a.b", b"GET / HTTP/1",
    b"GET / HTTX/1.0", b"HEAD /x", b"POST /x", b"G(T / HTTP/1.0",
])
def test_malformed_request_lines(line):
    with pytest.raises(RequestError) as info:
        wire.parse_request_head(line + b"\r\n\r\n")
    assert info.value.status == 400


@pytest.mark.parametrize("bad", [b"NoColon\r\n", b" continuation-first\r\n", b"Bad Name: x\r\n"])
def test_malformed_header_lines(bad):
    with pytest.raises(RequestError):
        wire.parse_request_head(b"GET / HTTP/1.0\r\n" + bad + b"\r\n")


def test_versions_are_integers():
    assert wire.parse_version("HTTP/01.00") == (1, 0)
    assert wire.parse_version("HTTP/1.10") == (1, 10)
    assert wire.parse_version(b"HTTP/12.3") == (12, 3)


def test_limits():
    limits = wire.Limits(max_line=100, max_head=1000, max_headers=5)
    with pytest.raises(RequestError):
        wire.parse_request_head(b"GET /" + b"a" * 200, limits)  # no newline yet, already too long
    with pytest.raises(RequestError):
        wire.parse_request_head(b"GET / HTTP/1.0\r\nX: " + b"a" * 200, limits)
    many = b"GET / HTTP/1.0\r\n" + b"".join(b"X%d: y\r\n" % i for i in range(6)) + b"\r\n"
    with pytest.raises(RequestError):
        wire.parse_request_head(many, limits)
    big = b"GET / HTTP/1.0\r\n" + b"X: y\r\n" * 200
    with pytest.raises(RequestError):
        wire.parse_request_head(big, wire.Limits(max_head=1000, max_headers=1000))


@pytest.mark.parametrize("values,expected", [([], None), (["5"], 5), (["5", "5"], 5), (["0"], 0)])
def test_content_length_valid(values, expected):
    assert wire.request_content_length(wire.Headers([("Content-Length", v) for v in values])) == expected


@pytest.mark.parametrize("values", [["abc"], ["-5"], ["5, 6"], ["5", "6"], [""], ["+5"], ["\u0665"]])
def test_content_length_invalid(values):
    with pytest.raises(RequestError):
        wire.request_content_length(wire.Headers([("Content-Length", v) for v in values]))


def test_format_request_and_response():
    req = wire.format_request("POST", "/e", [("Host", "h")], "é".encode())
    assert req == b"POST /e HTTP/1.0\r\nHost: h\r\nContent-Length: 2\r\n\r\n\xc3\xa9"
    resp = wire.format_response(404, [("Content-Length", "0")])
    assert resp == b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n"
    assert wire.STATUS_LINE_STRICT.match(resp)
    assert wire.format_status_line(302) == b"HTTP/1.0 302 Moved Temporarily\r\n"


def test_parse_response_head_tolerant():
    buf = b"HTTP/1.0  200\ncontent-length:  5\nContent-Type: text/\r\n html\n\nhello"
    head, used = wire.parse_response_head(buf)
    assert head.status == 200 and head.reason == "" and buf[used:] == b"hello"
    assert head.headers.get("Content-Type") == "text/ html"
    assert wire.response_body_length("GET", head) == 5
    assert wire.response_body_length("HEAD", head) == 0


def test_simple_response_detection():
    assert wire.status_line_decision(b"<html>") is False
    assert wire.status_line_decision(b"HTT") is None
    assert wire.status_line_decision(b"HTTP/1.0 200 OK") is None
    assert wire.status_line_decision(b"HTTP/1.0 200 OK\r\n") is True
    assert wire.status_line_decision(b"HTTP/x\r\n") is False
    head, used = wire.parse_response_head(b"<html>hi</html>")
    assert head.simple and used == 0
    head, used = wire.parse_response_head(b"HT", eof=True)
    assert head.simple


def test_response_premature_close():
    with pytest.raises(ProtocolError):
        wire.parse_response_head(b"HTTP/1.0 200 OK\r\nContent-", eof=True)
    with pytest.raises(ProtocolError):
        wire.parse_response_head(b"", eof=True)
    with pytest.raises(IncompleteError):
        wire.parse_response_head(b"HTTP/1.0 200 OK\r\nContent-")


@pytest.mark.parametrize("status,length", [(304, 0), (204, 0), (100, 0), (200, None)])
def test_bodyless_statuses(status, length):
    head, _ = wire.parse_response_head(b"HTTP/1.0 %d X\r\n\r\n" % status)
    assert wire.response_body_length("GET", head) == length


def test_unknown_status_class():
    head, _ = wire.parse_response_head(b"HTTP/1.0 299 Whatever\r\n\r\n")
    assert head.status_class == 200


def test_dates_three_forms():
    expected = 784111777.0
    assert wire.parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == expected
    assert wire.parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == expected
    assert wire.parse_http_date("Sun Nov  6 08:49:37 1994") == expected
    assert wire.format_http_date(expected) == "Sun, 06 Nov 1994 08:49:37 GMT"
    assert wire.is_rfc1123_date(wire.format_http_date())


@pytest.mark.parametrize("bad", ["garbage", "0", "", "Sun, 31 Feb 1994 08:49:37 GMT",
                                 "Sun, 06 Nov 1994 08:49:37 +0000", "Sun, 06 Nov 1994 25:49:37 GMT"])
def test_invalid_dates_never_raise(bad):
    assert wire.parse_http_date(bad) is None


def test_split_head():
    assert wire.split_head(b"H\r\n\r\nbody") == (b"H\r\n\r\n", b"body")
    assert wire.split_head(b"H\n\nbody") == (b"H\n\n", b"body")
    assert wire.split_head(b"H\r\nX") is None
