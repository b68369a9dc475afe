"""Broken HTTP client: reports an error only for the status codes it has a name for; any other code is
taken as a success (its body printed, exit 0).

Wrong: RFC 1945 §6.1.1: "applications must understand the class of any status code, as indicated by the
first digit, and treat any unrecognized response as being equivalent to the x00 status code of that class":
431 is a 400 and 599 a 500, errors like the 404 it does report.
Caught by: HTTP10-STATUS-4, scenario ``http-client-unknown-status-codes`` (at 431).

    python tests/broken/http_client_known_codes.py URL
"""

import http.client
import sys
import urllib.parse

KNOWN_ERRORS = {400, 401, 403, 404, 500, 501, 502, 503}

url = urllib.parse.urlsplit(sys.argv[1])
conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=5)
try:
    conn.request("GET", url.path or "/")
    resp = conn.getresponse()
    body = resp.read()
except (OSError, http.client.HTTPException) as exc:
    sys.exit(f"http: {exc}")
if resp.status in KNOWN_ERRORS:  # BUG: an unknown 4xx or 5xx falls through as a success
    sys.exit(f"http: status {resp.status}")
sys.stdout.buffer.write(body)
