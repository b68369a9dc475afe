"""Broken HTTP client: prints the body of every response and exits 0, error statuses included (as
``curl`` does without ``-f``).

Wrong for the suite's client contract, not for RFC 1945, which asks a user agent to show an error's entity
(§9.4) and says nothing of exit statuses: the user is not told that the 404 was not the document.
Caught by: HTTP10-CLIENT-7 (de-facto, a warning), scenario ``http-client-unknown-status-codes`` (at the
404; how it reads the unknown codes is then not judged).

    python tests/broken/http_client_exit_zero.py URL
"""

import http.client
import sys
import urllib.parse

url = urllib.parse.urlsplit(sys.argv[1])
conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=5)
try:
    conn.request("GET", url.path or "/")
    body = conn.getresponse().read()  # BUG: the status is never looked at
except (OSError, http.client.HTTPException) as exc:
    sys.exit(f"http: {exc}")
sys.stdout.buffer.write(body)
