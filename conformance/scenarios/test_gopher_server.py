"""Gopher servers (RFC 1436): scenarios run against the gopher server under test.

The server is given the suite's document root (``netconformance_fixtures.docroot.FILES``).  Menu wording, item order and
the selector scheme are the server's choice: items are found by the file name their selector ends with.
The bytes of files are exact.  Checks use the sans-I/O wire module (``reference_servers.gopher.wire``).

The scenarios live in one module per concern, gathered here so that pytest, grading and reports see one
module (node ids ``test_gopher_server.py::test_...`` stay stable); the client side of the exchange is
:mod:`~conformance.scenarios.gopherdriver`.
"""

from conformance.scenarios.gopher_server_items import *  # noqa: F403  text and binary items, selectors, errors, URLs
from conformance.scenarios.gopher_server_menus import *  # noqa: F403  connection, menus, item types, search
from conformance.scenarios.gopher_server_robustness import *  # noqa: F403  partial reads, bad input, timeouts, closing
