"""Unit tests of the misbehaving peers (delivery behaviours of ScriptedPeer and GopherServer)."""

from __future__ import annotations

import socket
import time

from reference_servers.gopher.peer import Behaviour, ScriptedPeer


def read_all(address, request=b"/x\r\n", timeout=5.0):
    """Return (chunks, how it ended, seconds)."""
    chunks, end = [], "eof"
    started = time.monotonic()
    with socket.create_connection(address, timeout=timeout) as s:
        s.sendall(request)
        try:
            while d := s.recv(65536):
                chunks.append(d)
        except ConnectionResetError:
            end = "reset"
        except TimeoutError:
            end = "timeout"
    return chunks, end, time.monotonic() - started


def test_fragments_arrive_as_many_reads():
    body = b"0a\tb\tc\t70\r\n" * 5 + b".\r\n"
    with ScriptedPeer({"/x": body}, behaviour=Behaviour(fragment=1, gap=0.005)).start() as p:
        chunks, end, _ = read_all(p.address())
    assert b"".join(chunks) == body and end == "eof"
    assert len(chunks) > len(body) // 2


def test_split_boundaries_with_gap():
    with ScriptedPeer({"/x": b"abc\r\n.\r\n"}, behaviour=Behaviour(split_boundaries=True, gap=0.03)).start() as p:
        chunks, _, _ = read_all(p.address())
    assert b"".join(chunks) == b"abc\r\n.\r\n"
    assert len(chunks) >= 4  # six writes 30 ms apart; a loaded machine may merge a few


def test_reset_after():
    with ScriptedPeer({"/x": b"0123456789" * 10}, behaviour=Behaviour(reset_after=15)).start() as p:
        chunks, end, _ = read_all(p.address())
    assert b"".join(chunks) == (b"0123456789" * 2)[:15] and end == "reset"


def test_close_after_and_silent_close():
    with ScriptedPeer({"/x": b"0123456789"}, behaviour=Behaviour(close_after=4)).start() as p:
        assert read_all(p.address())[:2] == ([b"0123"], "eof")
    with ScriptedPeer({"/x": b"0123456789"}, behaviour=Behaviour(close_after=0)).start() as p:
        assert read_all(p.address())[:2] == ([], "eof")


def test_stall_and_pause():
    with ScriptedPeer({"/x": b"abcdef"}, behaviour=Behaviour(stall_after=3, stall_for=5)).start() as p:
        chunks, end, took = read_all(p.address(), timeout=0.5)
    assert (b"".join(chunks), end) == (b"abc", "timeout") and took < 2
    with ScriptedPeer({"/x": b"abcdef"}, behaviour=Behaviour(pause_after=3, pause=0.3)).start() as p:
        chunks, end, took = read_all(p.address())
    assert b"".join(chunks) == b"abcdef" and end == "eof" and took >= 0.25


def test_hold_open_and_records_requests():
    with ScriptedPeer({"/x": b".\r\n"}, behaviour=Behaviour(hold_open=0.4)).start() as p:
        chunks, _, took = read_all(p.address(), b"/x\tq\n")
        assert p.requests == [b"/x\tq\n"] and took >= 0.35 and b"".join(chunks) == b".\r\n"
