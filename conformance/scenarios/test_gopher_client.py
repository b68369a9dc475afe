"""Gopher clients (RFC 1436): the client under test fetches one URL from a scripted peer.

Contract (DESIGN §5): the client fetches ``{url}`` (``gopher://host:port/TYPEselector``, search words
after ``%09``) and writes the item to stdout, either as received (menus and text with their lastline
and stuffed dots, as curl prints them) or decoded (lastline removed, dots un-stuffed); binary items
byte for byte.  Exit 0 means success; an error item, an empty response or a network error is non-zero.
Acceptable outputs come from :func:`reference_servers.gopher.wire.client_outputs`.

The scenarios live in two modules, gathered here so that pytest, grading and reports see one module (node
ids ``test_gopher_client.py::test_...`` stay stable); the suite's peer and judgements are
:mod:`~conformance.scenarios.gopher_client_peer`.
"""

from conformance.scenarios.gopher_client_faults import *  # noqa: F403  partial reads, stalls, resets, refusals
from conformance.scenarios.gopher_client_protocol import *  # noqa: F403  the protocol proper
