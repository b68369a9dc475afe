"""Real input: third-party HTTP implementations through the suite, with their recorded verdicts.

Python's ``http.server`` (server), ``curl --http1.0 -sf`` and ``urllib.request`` (clients).  Each failure
is tied to a requirement id and explained in ``docs/verdicts-http.md``; a change in the set of failures
(a regression of the suite, or a new Python/curl) makes these tests fail so the document gets updated.
"""

from __future__ import annotations

import shutil

import pytest

from tests.harness import describe, failed, outcomes, run_verdict

HTTP_SERVER = "http=name=http.server,cmd:{python} -m http.server --bind 127.0.0.1 --directory {root} {port}"
CURL = "http=name=curl,cmd:curl --http1.0 -sf {url}"
URLLIB = ('http=name=urllib,cmd:{python} -c "import sys,urllib.request as u; '
          'sys.stdout.buffer.write(u.urlopen(sys.argv[1], timeout=float(sys.argv[2])).read())" {url} {timeout}')

HTTP_SERVER_FAILS = {
    "http-server-malformed-request-400",    # HTTP10-ERR-1: 400 sent as a bare HTML page, no Status-Line
    "http-server-bad-version-400",          # HTTP10-VER-5: same, for HTTP/a.b
    "http-server-major-version-above-1",    # HTTP10-VER-4: 505 without a Status-Line
    "http-server-simple-request-no-wait",   # HTTP10-SIMPLE-2: waits for headers after 'GET /x'
    "http-server-ims-invalid-or-future",    # HTTP10-COND-3: 304 for a future If-Modified-Since
    "http-server-head-not-conditional",     # HTTP10-HEAD-3: 304 to a conditional HEAD
    "http-server-last-modified-not-future", # HTTP10-HDR-4: Last-Modified after Date
    "http-server-redirect-location",        # HTTP10-REDIR-1: relative Location
    "http-server-internal-files",           # HTTP10-SEC-2: serves .htaccess
    "http-server-unread-input-no-reset",    # NET-TCP-9: closes with input unread, the reset cuts the reply
}
HTTP_SERVER_NOT_APPLICABLE = {  # no POST
    "http-server-post-echo-segmented", "http-server-post-without-length", "http-server-header-names-case-insensitive",
}
CURL_FAILS = {
    "http-client-simple-response",   # HTTP10-SIMPLE-5: "Received HTTP/0.9 when not allowed"
    "http-client-close-mid-head",    # HTTP10-CLIENT-6: exit 0 with an empty body
    "http-client-stalled-server",    # NET-TCP-8: no read timeout unless given one (-m, -y/-Y)
    "http-client-stalled-mid-body",  # NET-TCP-8
    "http-client-never-accepted",    # NET-TCP-8
}
URLLIB_FAILS = {
    "http-client-simple-response",   # HTTP10-SIMPLE-5: BadStatusLine
    "http-client-close-mid-head",    # HTTP10-CLIENT-6: EOF taken as the end of the headers
}


def test_python_http_server_verdicts():
    res = run_verdict(["--server", HTTP_SERVER, "--protocol", "http"], HTTP_SERVER_FAILS, files=["test_http_server.py"])
    oc = outcomes(res)
    assert failed(res) == HTTP_SERVER_FAILS, describe(res)
    assert {s for s, o in oc.items() if "not-applicable" in o} == HTTP_SERVER_NOT_APPLICABLE
    assert not {s for s, o in oc.items() if "error" in o}, describe(res)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_verdicts():
    res = run_verdict(["--client", CURL, "--protocol", "http"], CURL_FAILS, files=["test_http_client.py"])
    assert failed(res) == CURL_FAILS, describe(res)


def test_urllib_verdicts():
    res = run_verdict(["--client", URLLIB, "--protocol", "http"], URLLIB_FAILS, files=["test_http_client.py"])
    assert failed(res) == URLLIB_FAILS, describe(res)
