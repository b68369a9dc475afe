"""Packet-level scenarios (category ``raw-packets``), parametrized over every protocol with a reference.

A scapy-built peer (:mod:`netconformance_fixtures.rawnet`) speaks for the harness inside a private network namespace
where the target runs: it decides every segment (one byte each with PSH, out of order, overlapping), the
window it advertises, and when it sends FIN or RST; crafted datagrams carry zero or 65,507 octets, arrive
as IP fragments, carry a bad checksum, or come from a small-service port.  Each scenario's description
says which part of the outcome the *kernel* decides (reassembly, checksums, zero-window probing): those
checks prove the stack, and the target gets no credit for them.

Tiers: TCP segment control, client scenarios and spoofed source ports need tier 2 (namespace and
firewall); the other crafted-datagram scenarios need tier 1 (raw sockets).  Without them the scenarios
are skipped with the reason (see docs/raw-packets.md).

Every scenario id is written out where it is declared, one family decorator per kind of packet play
(``@one_byte_segments("echo-raw-one-byte-segments", ECHO, [...])``); the modules below are gathered here
so that pytest, grading and reports see one module (node ids ``test_raw_packets.py::test_...`` stay
stable).  The exchange helpers are :mod:`~conformance.scenarios.rawdriver`, each protocol's framing
:mod:`~conformance.scenarios.rawframing`.
"""

from conformance.scenarios.raw_client import *  # noqa: F403  clients under test: one-byte segments, RST mid-reply
from conformance.scenarios.raw_tcp_server import *  # noqa: F403  servers over TCP: segments, RST, FIN, zero window
from conformance.scenarios.raw_udp_server import *  # noqa: F403  servers over UDP: crafted datagrams
