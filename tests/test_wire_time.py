"""The time wire format (RFC 868): 4 octets, big-endian, seconds since 1900, the 2036 era rule."""

import pytest

from conformance.errors import IncompleteError, ProtocolError
from reference_servers.time import wire


def test_rfc_examples_encode_to_the_rfc_values():
    assert wire.encode(0) == (2_208_988_800).to_bytes(4, "big")
    assert wire.encode(420_595_200) == (2_629_584_000).to_bytes(4, "big")  # 1983-05-01


def test_values_are_big_endian():
    assert wire.encode(2**31 - wire.EPOCH_OFFSET) == b"\x80\x00\x00\x00"


def test_the_wrap_gives_small_values_not_an_error():
    assert wire.encode(wire.WRAP_UNIX + 4) == b"\x00\x00\x00\x04"
    assert wire.iso(wire.WRAP_UNIX) == "2036-02-07T06:28:16Z"


def test_decode_applies_the_era_rule():
    assert wire.iso(wire.decode(b"\x00\x00\x00\x10")) == "2036-02-07T06:28:32Z"
    assert wire.iso(wire.decode(b"\x80\x00\x00\x00")) == "1968-01-20T03:14:08Z"
    assert wire.decode((2_208_988_800).to_bytes(4, "big")) == 0


def test_decode_wants_exactly_four_octets():
    with pytest.raises(IncompleteError):
        wire.decode(b"\x01\x02\x03")
    with pytest.raises(ProtocolError):
        wire.decode(b"\x00" * 8)


@pytest.mark.parametrize("unix", [0, 1, 2**31, wire.WRAP_UNIX - 1, wire.WRAP_UNIX, wire.WRAP_UNIX + 10**6])
def test_roundtrip_within_both_eras(unix):
    assert wire.decode(wire.encode(unix)) == unix
