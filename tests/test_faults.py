"""The shared fault vocabulary (reference_servers/faults.py): write plans are pure, spec strings parse
into the same dataclasses every peer takes, endings follow one precedence, and ``SO_LINGER`` 0 is written
in one place only."""

from __future__ import annotations

import pathlib
import re
import socket

import pytest

from netconformance_fixtures.proxy import Impairment
from netconformance_fixtures.tcpproxy import TcpFaults
from reference_servers import faults
from reference_servers.faults import (
    DatagramFaults,
    Hold,
    Pacing,
    Pause,
    Reset,
    StreamFaults,
    Write,
    cut_at,
    fragments,
    paced,
    perform,
    split_around,
)
from reference_servers.gopher.peer import Behaviour as GopherBehaviour
from reference_servers.http.peer import BEHAVIOURS
from reference_servers.smtp.behaviour import Behaviour as SmtpBehaviour
from reference_servers.smtp.behaviour import pieces as smtp_pieces

ROOT = pathlib.Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------------- write plans
def test_cut_at_ignores_duplicates_and_offsets_outside_the_data():
    assert cut_at(b"abcdef", [4, 2, 2, 0, 6, 99, -1]) == [b"ab", b"cd", b"ef"]
    assert cut_at(b"abc", []) == [b"abc"]
    assert cut_at(b"", [1]) == [b""]


def test_fragments_cut_every_piece_and_zero_leaves_them_whole():
    assert fragments(b"abcde", 2) == [b"ab", b"cd", b"e"]
    assert fragments([b"abc", b"de"], 2) == [b"ab", b"c", b"de"]
    assert fragments([b"abc", b""], 0) == [b"abc", b""]
    assert fragments(b"", 3) == []


def test_split_around_isolates_each_delimiter():
    assert split_around(b"a\tb\r\n.", frozenset(b"\r\n\t.")) == [b"a", b"\t", b"b", b"\r", b"\n", b"."]
    assert split_around(b"plain", frozenset(b"\n")) == [b"plain"]


def test_pacing_cuts_then_fragments_with_a_gap_between_pieces_only():
    plan = Pacing(fragment=2, cuts=(3,), gap=0.5)
    assert plan.pieces(b"abcdef") == [b"ab", b"c", b"de", b"f"]
    assert plan.steps(b"abc") == [Write(b"ab"), Pause(0.5), Write(b"c")]
    assert Pacing().steps(b"xyz") == [Write(b"xyz")]
    assert paced([], 1.0) == []


def test_perform_writes_pauses_and_stops_when_a_wait_says_so():
    sent, waited = [], []
    assert perform([Write(b"a"), Pause(0.1), Write(b"b")], sent.append, waited.append)
    assert (sent, waited) == ([b"a", b"b"], [0.1])
    sent.clear()
    assert not perform([Write(b"a"), Pause(0.1), Write(b"b")], sent.append, lambda s: True)
    assert sent == [b"a"]
    with pytest.raises(ValueError):
        perform([Reset()], sent.append)
    with pytest.raises(ValueError):
        perform([Hold(1.0)], sent.append)


# ------------------------------------------------------------------------------------- named faults
def test_spec_strings_build_the_shared_names():
    f = StreamFaults.parse("fragment=1, gap=0.002, reset-after=10")
    assert (f.fragment, f.gap, f.reset_after) == (1, 0.002, 10)
    with pytest.raises(ValueError, match="unknown"):
        StreamFaults.parse("fragmnet=1")
    with pytest.raises(ValueError):
        StreamFaults.parse("fragment=x")


def test_gopher_behaviour_is_built_from_the_shared_faults():
    b = GopherBehaviour.parse("fragment=1,gap=0.002,no_lastline")
    assert isinstance(b, StreamFaults)
    assert (b.fragment, b.gap, b.no_lastline) == (1, 0.002, True)
    assert GopherBehaviour.parse("stall_after=5,stall_for=2").ending(5) == "stall"
    with pytest.raises(ValueError, match="unknown gopher behaviour"):
        GopherBehaviour.parse("bogus")
    with pytest.raises(ValueError, match="needs a value"):
        GopherBehaviour.parse("fragment")
    assert GopherBehaviour(split_boundaries=True, fragment=1).pieces(b"ab\r\n") == [b"a", b"b", b"\r", b"\n"]


def test_tcp_proxy_faults_keep_their_keywords():
    f = TcpFaults(fragment=1, gap=0.01, reset_after=3)
    assert isinstance(f, StreamFaults) and f.ending(3) == "reset"
    assert TcpFaults().max_stall == TcpFaults().stall_for == 60.0
    assert TcpFaults(max_stall=5).stall_for == 5
    with pytest.raises(TypeError):
        TcpFaults(bogus=1)


def test_endings_earliest_first_then_reset_stall_close():
    f = StreamFaults(stall_after=10, reset_after=5, close_after=5)
    assert f.ending(4) is None and f.ending(5) == "reset"
    assert f.next_stop(0, paused=False) == 5
    assert StreamFaults(stall_after=3, close_after=3).ending(3) == "stall"
    assert StreamFaults(close_after=0).ending(0) == "close"
    p = StreamFaults(pause_after=4, close_after=9)
    assert p.next_stop(0, paused=False) == 4 and p.next_stop(4, paused=True) == 9
    assert p.pause_due(4, paused=False) and not p.pause_due(4, paused=True) and not p.pause_due(3, False)


def test_datagram_faults_are_the_proxy_impairment():
    assert Impairment is DatagramFaults
    plan = DatagramFaults(seed=3, truncate=2, directions=("down",))
    assert plan.shorten("down", b"hello") == b"he" and plan.shorten("up", b"hello") == b"hello"
    assert DatagramFaults(truncate=2, directions=("up",)).shorten("down", b"hello") == b"hello"
    assert DatagramFaults(drop_first=2).decide("up", 1)["drop"] and not DatagramFaults(drop_first=2).decide("up", 2)["drop"]


# ------------------------------------------------------------------------------------- protocol plans
def test_smtp_pieces_split_mid_line_then_fragment():
    reply = b"250-a\r\n250-bbbb\r\n250 c\r\n"
    parts, gap = smtp_pieces(reply, SmtpBehaviour(split_pause=0.2))
    assert parts == [b"250-a\r\n250-", b"bbbb\r\n250 c\r\n"] and gap == 0.2
    parts, gap = smtp_pieces(b"220 hi\r\n", SmtpBehaviour(fragment=3, fragment_gap=0.003))
    assert parts == [b"220", b" hi", b"\r\n"] and gap == 0.003


def test_http_presets_cut_with_the_shared_plan():
    head, body = b"HTTP/1.0 200 OK\r\nA: b\r\n\r\n", b"0123456789"
    trickle = BEHAVIOURS["trickle"].actions(head, body)
    assert [a.data for a in trickle if isinstance(a, Write)] == [bytes([c]) for c in head + body]
    assert all(p == Pause(0.002) for p in trickle[1::2])
    fragmented = BEHAVIOURS["fragmented"].actions(head, body)
    assert b"".join(a.data for a in fragmented if isinstance(a, Write)) == head + body
    assert BEHAVIOURS["normal"].actions(head, body) == [Write(head + body)]
    assert BEHAVIOURS["reset-mid-body"].actions(head, body)[-1] == Reset()


# ------------------------------------------------------------------------------------- resets
def test_reset_makes_the_peer_see_econnreset():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        server, _ = listener.accept()
        faults.reset(server)
        faults.reset(server)  # twice: a closed socket is not an error
        client.settimeout(2)
        with pytest.raises(ConnectionResetError):
            client.recv(10)
        client.close()


def test_so_linger_zero_is_written_in_one_place():
    pattern = re.compile(r"SO_LINGER\s*,")
    places = [str(p.relative_to(ROOT)) for top in ("reference_servers", "fixtures", "conformance")
              for p in (ROOT / top).rglob("*.py") if pattern.search(p.read_text())]
    assert places == ["reference_servers/faults.py"]
