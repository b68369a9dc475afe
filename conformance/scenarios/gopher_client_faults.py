"""Gopher client scenarios: partial reads, stalls, resets, refused and paused servers (RFC 1436; the NET-TCP
requirements).
"""

from __future__ import annotations

import random

from conformance.checks import check, fail
from conformance.registry import scenario
from conformance.scenarios import common
from conformance.scenarios.gopher_client_peer import MENU, Script, expect_item, fetch, url
from netconformance_fixtures.context import settings
from netconformance_fixtures.docroot import FILES
from netconformance_fixtures.peers import TcpPeer
from reference_servers.gopher import wire


@scenario("gopher-client-fragmented-text", protocol="gopher", role="client", category="partial-reads",
          requirements=["NET-TCP-1", "GOPHER-CLIENT-4"])
def test_fragmented_text(client):
    """The text item arrives one byte per segment, 5 ms apart: the client keeps reading to the lastline."""
    response = wire.encode_text(FILES["hello.txt"] + FILES["dots.txt"])
    run, target = fetch(client, Script(response, chunk=1, gap=0.005), "0", "/hello.txt")
    expect_item(run, ["NET-TCP-1"], "text in 1-byte segments", response, "0", target)


@scenario("gopher-client-split-at-boundaries", protocol="gopher", role="client", category="partial-reads",
          requirements=["NET-TCP-1"])
def test_split_at_boundaries(client):
    """A menu cut before and after every CR, LF, TAB and ``.``, with 20 ms pauses: same result as whole."""
    cuts = sorted({i for i, b in enumerate(MENU) if b in b"\r\n\t."} | {i + 1 for i, b in enumerate(MENU) if b in b"\r\n\t."})
    run, target = fetch(client, Script(MENU, cuts=cuts, gap=0.02), "1", "/")
    expect_item(run, ["NET-TCP-1"], "menu split at every delimiter", MENU, "1", target)


@scenario("gopher-client-lastline-then-held-open", protocol="gopher", role="client", category="partial-reads",
          requirements=["GOPHER-TEXT-8", "NET-TCP-1"])
def test_lastline_then_held_open(client):
    """``abc CRLF .`` then, after a pause, ``CRLF``; the server keeps the connection open: the client is done
    at the lastline and does not wait for the close.

    RFC 1436 has the server close after the lastline, so a peer holding the connection open is off-protocol
    and a client that waits for the close (and times out, or hangs) gets a warning (GOPHER-TEXT-8).  A client
    that exits 0 with something else than the item, such as ``abc CRLF .`` before the CRLF came, took a
    split terminator for a whole one: NET-TCP-1."""
    response = b"abc\r\n.\r\n"
    script = Script(response, cuts=[len(response) - 2], gap=settings().scaled(0.4), then="stall")
    run, target = fetch(client, script, "0", "/held")
    if run.hung or run.status != 0:
        fail("GOPHER-TEXT-8", "the client waited for the close after the lastline had arrived", sent=target,
             expected="exit 0 right after '.' CRLF", received=run.describe())
    expect_item(run, ["NET-TCP-1"], "text whose lastline was split, connection held open", response, "0", target)


@scenario("gopher-client-large-binary", protocol="gopher", role="client", category="partial-reads",
          requirements=["NET-TCP-1", "GOPHER-BIN-2"])
def test_large_binary(client):
    """A 4 MiB binary item arrives in many reads: every byte is written out."""
    response = random.Random(settings().seed).randbytes(4 * 2**20)
    run, target = fetch(client, Script(response), "9", "/large.bin")
    expect_item(run, ["NET-TCP-1", "GOPHER-BIN-2"], "4 MiB binary item", response, "9", target)


@scenario("gopher-client-stalled-server", protocol="gopher", role="client", category="timeouts",
          requirements=["NET-TCP-8"])
def test_stalled_server(client):
    """The peer accepts and never answers: the client gives up within its own limit (non-zero exit)."""
    with common.tcp_stall_peer() as peer:
        target = url(peer, "0", "/stall")
        run = common.run_client(client, peer.address, "tcp", url=target)
    common.expect_error(run, ["NET-TCP-8"], "server accepts and never answers", sent=target)


@scenario("gopher-client-stall-mid-item", protocol="gopher", role="client", category="timeouts",
          requirements=["NET-TCP-8", "GOPHER-TEXT-4"])
def test_stall_mid_item(client):
    """Half a text item, then silence with the connection open: the client times out and reports it."""
    response = wire.encode_text(FILES["hello.txt"])
    script = Script(response[: len(response) // 2], then="stall")
    run, target = fetch(client, script, "0", "/hello.txt")
    common.expect_error(run, ["NET-TCP-8"], "half a text item, then silence", sent=target)


@scenario("gopher-client-never-accepted", protocol="gopher", role="client", category="timeouts",
          requirements=["NET-TCP-8"])
def test_never_accepted(client):
    """The peer listens but never accepts: the client times out (non-zero exit)."""
    with TcpPeer(None, accept=False) as peer:
        target = url(peer, "0", "/never")
        run = common.run_client(client, peer.address, "tcp", url=target)
    common.expect_error(run, ["NET-TCP-8"], "server never accepts", sent=target)


@scenario("gopher-client-refused", protocol="gopher", role="client", category="nonblocking",
          requirements=["NET-TCP-8"])
def test_refused(client):
    """Nothing listens: the client reports the refused connection at once (non-zero exit)."""
    address = common.refused_address()
    host, port = ("localhost", 70) if isinstance(address, str) else address  # AF_UNIX: {path} says where
    target = wire.format_url(host, port, "0", "/refused")
    run = common.run_client(client, address, "tcp", url=target)
    common.expect_error(run, ["NET-TCP-8"], "connection refused", within=settings().scaled(10), sent=target)


@scenario("gopher-client-reset-mid-binary", protocol="gopher", role="client", category="nonblocking",
          requirements=["GOPHER-CLIENT-6"])
def test_reset_mid_binary(client):
    """Half a binary item, then a reset: not the orderly close that ends a binary item (non-zero exit).

    RFC 1436 only says the client reads "until the connection closes"; telling a reset from that close is
    what keeps a cut item from passing as whole, a de-facto duty (GOPHER-CLIENT-6, a warning)."""
    response = FILES["allbytes.bin"]
    run, target = fetch(client, Script(response[: len(response) // 2], then="reset"), "9", "/allbytes.bin")
    common.expect_error(run, ["GOPHER-CLIENT-6"], "binary item cut by a reset", sent=target)


@scenario("gopher-client-paused-server", protocol="gopher", role="client", category="nonblocking",
          requirements=["NET-TCP-7"])
def test_paused_server(client):
    """Half the menu, a pause of T (reads would block), then the rest: the client waits and succeeds."""
    run, target = fetch(client, Script(MENU, cuts=[len(MENU) // 2], gap=settings().timeout), "1", "/")
    expect_item(run, ["NET-TCP-7"], "menu with a pause in the middle", MENU, "1", target)


@scenario("gopher-client-item-at-advertised-port", protocol="gopher", role="client", category="protocol",
          requirements=["GOPHER-CLIENT-2"])
def test_item_at_advertised_port(client, reference):
    """A menu whose items live on a second server: the item is fetched from the host and port of its menu
    line, not from the server that sent the menu.

    The client fetches the menu from the first reference server (whose menus advertise the second one's
    port), then the ``hello.txt`` item through the URL its menu line makes."""
    second = reference()
    first = reference(advertise_port=second.port)
    menu_url = wire.format_url(*first.address("tcp"), "1", "")
    run = common.run_client(client, first.address("tcp"), "tcp", url=menu_url)
    common.expect_success(run, ["GOPHER-CLIENT-2"], "menu from the first server", sent=menu_url)
    items = wire.parse_menu(run.stdout, strict=False)
    item = next((i for i in items if i.selector.endswith("hello.txt")), None)
    check(item is not None and item.port == second.port, ["GOPHER-CLIENT-2"],
          "the printed menu does not carry the item's own host and port", sent=menu_url,
          expected=f"a hello.txt line with port {second.port}", received=run.stdout)
    target = wire.format_url(item.host, item.port, item.itemtype, item.selector)
    run = common.run_client(client, (item.host, item.port), "tcp", url=target)
    expect_item(run, ["GOPHER-CLIENT-2"], "item on the second server", wire.encode_text(FILES["hello.txt"]), "0", target)
    check(wire.format_request(item.selector) in second.requests, ["GOPHER-CLIENT-2"],
          "the second server never got the item's selector", sent=target,
          expected=wire.format_request(item.selector), received=b"".join(second.requests))
