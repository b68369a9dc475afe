"""HTTP/1.0 servers (RFC 1945): scenarios run against the server under test, which serves ``{root}``.

Checks are exact where the RFC is exact (the Status-Line form, the bytes of files in ``{root}``,
Content-Length, no body for HEAD and 304) and structural where it is not (extra headers, reason phrases,
Server, error page wording).  Scenarios that need the reference's ``/echo`` POST resource (or any server
that echoes POST bodies there) report not-applicable when the server does not implement POST at /echo.
Scenarios that plant extra files in ``{root}`` report not-applicable for address targets.

The scenarios live in one module per RFC 1945 concern, gathered here so that pytest, grading and reports
see one module (node ids ``test_http_server.py::test_...`` stay stable); the client side of the exchange
is :mod:`~conformance.scenarios.httpdriver`.
"""

from conformance.scenarios.http_server_headers import *  # noqa: F403  Date, Content-Type, Last-Modified, If-Modified-Since
from conformance.scenarios.http_server_messages import *  # noqa: F403  Simple-Request, Status-Line, headers, versions
from conformance.scenarios.http_server_methods import *  # noqa: F403  GET, HEAD, POST, status codes, redirects
from conformance.scenarios.http_server_robustness import *  # noqa: F403  partial reads, malformed input, resets, security
