"""HTTP/1.0 clients (RFC 1945): the client under test fetches a URL from a reference peer.

Contract (DESIGN §5): the client fetches ``{url}`` and writes the entity body to stdout; it exits
non-zero on a status >= 400 or a network error.  The peer is either the reference server with a
behaviour (fragmented, close-delimited, stalled...; it records each request) or a scripted
:class:`~netconformance_fixtures.peers.TcpPeer` answering exact bytes.  What a client may legitimately choose (following
redirects or not, HTTP/1.0 or 1.1 in its request line) is accepted either way; what RFC 1945 fixes is
checked exactly.

The scenarios live in two modules, gathered here so that pytest, grading and reports see one module (node
ids ``test_http_client.py::test_...`` stay stable); the suite's peer and judgements are
:mod:`~conformance.scenarios.http_client_peer`.
"""

from conformance.scenarios.http_client_faults import *  # noqa: F403  partial reads, stalls, resets, refusals
from conformance.scenarios.http_client_protocol import *  # noqa: F403  the protocol proper
