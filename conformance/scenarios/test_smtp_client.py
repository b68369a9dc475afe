"""SMTP clients (RFC 5321 with PIPELINING, SIZE, 8BITMIME): the client under test submits a message to the
reference server, which misbehaves on purpose (``reference_servers.smtp.server.Behaviour``) and records the
session: what arrived, when, and whether a command came before the reply it should have waited for.

Contract (DESIGN §5): the client reads an RFC 5322 message on stdin and submits it from ``{from}`` to every
``{to}``; exit 0 means the server accepted it.  Every failure shows the dialogue up to that point.

The scenarios live in two modules, gathered here so that pytest, grading and reports see one module (node
ids ``test_smtp_client.py::test_...`` stay stable); the suite's peer and judgements are
:mod:`~conformance.scenarios.smtp_client_peer`.
"""

from conformance.scenarios.smtp_client_faults import *  # noqa: F403  partial reads, stalls, resets, refusals
from conformance.scenarios.smtp_client_protocol import *  # noqa: F403  the protocol proper
