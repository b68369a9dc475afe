"""Daytime and echo wire helpers."""

import calendar

import pytest

from reference_servers.daytime import wire as daytime
from reference_servers.echo import wire as echo

T = calendar.timegm((1982, 2, 22, 17, 37, 43))


def test_reference_format_is_ctime_utc_with_crlf():
    assert daytime.format_daytime(T) == b"Mon Feb 22 17:37:43 1982 UTC\r\n"


@pytest.mark.parametrize("text,expected", [
    (b"Mon Feb 22 17:37:43 1982\r\n", T),
    (b"Mon Feb 22 17:37:43 1982 UTC\r\n", T),
    (b"Mon, 22 Feb 1982 17:37:43 +0000\r\n", T),
    (b"1982-02-22T17:37:43Z", T),
    (b"Monday, February 22, 1982 09:37:43-PST\r\n", T),
    (b"22 FEB 82 09:37:43 PST\r\n", T),
])
def test_common_formats_are_understood(text, expected):
    assert daytime.parse_daytime(text) == expected


def test_unknown_formats_are_not_guessed():
    assert daytime.parse_daytime(b"it is teatime somewhere") is None


def test_printable_and_line_checks():
    assert daytime.nonprintable_octets(b"ok\r\n\x00") == [(4, 0)]
    assert daytime.line_count(b"one line\r\n") == 1
    assert daytime.line_count(b"banner\r\ndate\r\n") == 2


def test_first_difference():
    assert echo.first_difference(b"abc", b"abc") is None
    assert echo.first_difference(b"abc", b"abx") == 2
    assert echo.first_difference(b"abc", b"ab") == 2
    assert echo.first_difference(b"ab", b"abc") == 2
    assert echo.first_difference(b"", b"") is None
    big = bytes(range(256)) * 65536  # 16 MiB, as the large echo scenarios send
    for at in (0, 63, 64, 4097, len(big) // 2 + 1, len(big) - 1):
        changed = bytearray(big)
        changed[at] ^= 0xFF
        if at + 100 < len(big):
            changed[at + 100] ^= 0xFF  # a later difference must not hide the first
        assert echo.first_difference(big, bytes(changed)) == at
    assert echo.first_difference(big, big[:-1]) == len(big) - 1
