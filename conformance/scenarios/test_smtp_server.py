"""SMTP servers (RFC 5321 with PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES): the suite is the client.

Every failure shows the dialogue (commands and replies) up to the point of failure.  Messages carry a
unique token; the delivered copy is found under ``{maildir}`` (any layout, polled because real servers
queue before they deliver) and compared after transparency, allowing added trace headers above the
original ones.  Recipients are local parts at ``--smtp-domain`` (default ``example.test``, DESIGN §4); the suite never expects a 550
for an unknown user from a third-party server.

The scenarios live in one module per RFC section, gathered here so that pytest, grading and reports see
one module (node ids ``test_smtp_server.py::test_...`` stay stable); the client driver is
:mod:`~conformance.scenarios.smtpdriver`, the delivery lookup :mod:`~conformance.scenarios.smtpmaildir`.
"""

from conformance.scenarios.smtp_server_commands import *  # noqa: F403  verbs, error codes, sequencing
from conformance.scenarios.smtp_server_data import *  # noqa: F403  DATA, dot-stuffing, 8BITMIME, smuggling
from conformance.scenarios.smtp_server_envelope import *  # noqa: F403  MAIL, RCPT, paths, relaying
from conformance.scenarios.smtp_server_greeting import *  # noqa: F403  greeting, EHLO/HELO, refusal
from conformance.scenarios.smtp_server_limits import *  # noqa: F403  line limits, SIZE
from conformance.scenarios.smtp_server_pipelining import *  # noqa: F403  partial reads, PIPELINING
from conformance.scenarios.smtp_server_replies import *  # noqa: F403  reply syntax, enhanced status codes
from conformance.scenarios.smtp_server_sessions import *  # noqa: F403  QUIT, timeouts, 421, resets, concurrency
