"""Real input: third-party HTTP implementations through the suite, with their recorded verdicts.

Python's ``http.server``, Apache httpd (Debian's apache2, ``tests/http/apache_launch.py``) and webfs
(``webfsd``) as servers; ``curl --http1.0 -sf``, ``urllib.request`` and ``wget -q -O -`` as clients.  Each
verdict is the exact set of scenarios failed at ``fail`` grade (a MUST broken) and at ``warning`` grade
(a SHOULD or de-facto requirement); every one is explained, with the RFC sentence behind each ``fail``,
in ``docs/verdicts-http.md``.  A change in either set (a regression of the suite, or a new version of the
implementation) makes these tests fail so the document gets updated.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.harness import BARE_PYTHON, describe, graded, outcomes, run_verdict

HERE = Path(__file__).resolve().parent
HTTP_SERVER = "http=name=http.server,cmd:{python} -m http.server --bind 127.0.0.1 --directory {root} {port}"
# the launcher uses the standard library only and execs apache2: started without site
APACHE = f"http=name=apache,cmd:{BARE_PYTHON} {HERE / 'apache_launch.py'} {{port}} {{root}} {{workdir}}"
WEBFS = "http=name=webfs,cmd:webfsd -F -4 -i 127.0.0.1 -p {port} -r {root}"
CURL = "http=name=curl,cmd:curl --http1.0 -sf {url}"
URLLIB = ('http=name=urllib,cmd:{python} -c "import sys,urllib.request as u; '
          'sys.stdout.buffer.write(u.urlopen(sys.argv[1], timeout=float(sys.argv[2])).read())" {url} {timeout}')
WGET = "http=name=wget,cmd:wget -q -O - {url}"

NO_POST = {  # a static file server has no POST resource at /echo
    "http-server-post-echo-segmented", "http-server-post-without-length", "http-server-header-names-case-insensitive",
}

HTTP_SERVER_FAILS = {
    "http-server-simple-request-no-wait",   # HTTP10-SIMPLE-2: waits for headers after 'GET /x'
    "http-server-ims-invalid-or-future",    # HTTP10-COND-3: 304 for a future If-Modified-Since
    "http-server-last-modified-not-future", # HTTP10-HDR-4: Last-Modified after Date
    "http-server-redirect-location",        # HTTP10-REDIR-1: relative Location
}
HTTP_SERVER_WARNS = {
    "http-server-malformed-request-400",    # HTTP10-ERR-1: 400 sent as a bare HTML page, no Status-Line
    "http-server-bad-version-400",          # HTTP10-VER-5: same, for HTTP/a.b
    "http-server-major-version-above-1",    # HTTP10-VER-4: 505 without a Status-Line
    "http-server-head-not-conditional",     # HTTP10-HEAD-3: 304 to a conditional HEAD
    "http-server-internal-files",           # HTTP10-SEC-2 (local policy): serves .htaccess
    "http-server-unread-input-no-reset",    # NET-TCP-9: closes with input unread, the reset cuts the reply
}
APACHE_FAILS: set[str] = set()
APACHE_WARNS = {
    "http-server-tolerant-request-line",    # HTTP10-REQ-5: HttpProtocolOptions Strict: 400 for runs of SP/HT, bare LF
    "http-server-version-numbers",          # HTTP10-VER-3: 400 for HTTP/01.00 (Strict)
    "http-server-unknown-method-501",       # HTTP10-ERR-5: 405 (an HTTP/1.1 code) for PUT and DELETE
    "http-server-head-not-conditional",     # HTTP10-HEAD-3: 304 to a conditional HEAD
}
WEBFS_FAILS = {
    "http-server-simple-request",           # HTTP10-SIMPLE-1: no HTTP/0.9: 'GET /x' alone gets nothing
    "http-server-last-modified-not-future", # HTTP10-HDR-4: Last-Modified after Date
    "http-server-status-line",              # HTTP10-VER-9: says HTTP/1.1, serves 1.1 requests without Host
}
WEBFS_WARNS = {
    "http-server-conditional-get",          # HTTP10-COND-6: 304 with the entity's Content-Length
    "http-server-error-bodies",             # HTTP10-STATUS-3: 'GET / HTTP/1.0 extra' served (200)
    "http-server-malformed-request-400",    # HTTP10-ERR-1: same
    "http-server-head-not-conditional",     # HTTP10-HEAD-3
    "http-server-ims-date-forms",           # HTTP10-COND-4: rfc850 If-Modified-Since not understood
    "http-server-internal-files",           # HTTP10-SEC-2 (local policy)
    "http-server-major-version-above-1",    # HTTP10-VER-4: HTTP/2.0 served with 200
    "http-server-method-case-sensitive",    # HTTP10-ERR-5: 400, not 501, for 'get'
    "http-server-unknown-method-501",       # HTTP10-ERR-5: 400 for PUT/DELETE/BREW
    "http-server-simple-request-other-methods",  # HTTP10-SIMPLE-3: 'HEAD /x' alone: neither 400 nor close
    "http-server-unread-input-no-reset",    # NET-TCP-9
}
WEBFS_NOT_APPLICABLE = NO_POST | {"http-server-simple-request-no-wait"}  # no Simple-Request support at all

CURL_FAILS: set[str] = set()
CURL_WARNS = {
    "http-client-simple-response",   # HTTP10-SIMPLE-5: "Received HTTP/0.9 when not allowed"
    "http-client-close-mid-head",    # HTTP10-CLIENT-6: exit 0 with an empty body
    "http-client-stalled-server",    # NET-TCP-8 (de-facto): no read timeout unless given one (-m, -y/-Y)
    "http-client-stalled-mid-body",  # NET-TCP-8
    "http-client-never-accepted",    # NET-TCP-8
}
URLLIB_FAILS: set[str] = set()
URLLIB_WARNS = {
    "http-client-simple-response",   # HTTP10-SIMPLE-5: BadStatusLine
    "http-client-close-mid-head",    # HTTP10-CLIENT-6: EOF taken as the end of the headers
}
WGET_FAILS: set[str] = set()
WGET_WARNS = {
    "http-client-close-mid-head",        # HTTP10-CLIENT-6: exit 0 with an empty body
    "http-client-redirect-loop-bounded", # HTTP10-REDIR-3: follows 20 redirects (--max-redirect default)
    "http-client-stalled-server",        # NET-TCP-8: read timeout 900 s, 20 tries
    "http-client-stalled-mid-body",      # NET-TCP-8
    "http-client-never-accepted",        # NET-TCP-8
    "http-client-truncated-body",        # HTTP10-LEN-7: retries the short body ("Retrying.") until killed
    "http-client-reset-mid-body",        # HTTP10-CLIENT-6: same, after a reset
}


def check_verdict(args, fails, warns, files, not_applicable=frozenset(), workers=2):
    # 2 workers: the long scenarios wait on the program's own timers; a verdict near one reruns alone
    res = run_verdict(args, fails | warns, files=files, workers=workers)
    assert graded(res, "fail") == fails, describe(res)
    assert graded(res, "warning") == warns, describe(res)
    oc = outcomes(res)
    assert {s for s, o in oc.items() if "not-applicable" in o} == set(not_applicable), describe(res)
    assert not {s for s, o in oc.items() if "error" in o}, describe(res)


def test_python_http_server_verdicts():
    check_verdict(["--server", HTTP_SERVER, "--protocol", "http"], HTTP_SERVER_FAILS, HTTP_SERVER_WARNS,
                  ["test_http_server.py"], NO_POST)


@pytest.mark.skipif(shutil.which("apache2") is None and not os.path.exists("/usr/sbin/apache2"),
                    reason="apache2 is not installed (apt-get install apache2)")
def test_apache_verdicts():
    # Apache serves as www-data: the suite's temporary roots must stay traversable, and pytest resets the
    # permissions of its shared /tmp/pytest-of-<user> whenever a session starts, so this run gets its own.
    base = Path(tempfile.mkdtemp(prefix="nc-apache-"))
    try:
        base.chmod(0o755)
        check_verdict(["--server", APACHE, "--protocol", "http", "--basetemp", str(base / "t")], APACHE_FAILS,
                      APACHE_WARNS, ["test_http_server.py"], NO_POST, workers=0)  # the workers' own roots are 0700
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.skipif(shutil.which("webfsd") is None, reason="webfsd is not installed (apt-get install webfs)")
def test_webfs_verdicts():
    check_verdict(["--server", WEBFS, "--protocol", "http"], WEBFS_FAILS, WEBFS_WARNS, ["test_http_server.py"],
                  WEBFS_NOT_APPLICABLE)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_verdicts():
    check_verdict(["--client", CURL, "--protocol", "http"], CURL_FAILS, CURL_WARNS, ["test_http_client.py"])


def test_urllib_verdicts():
    check_verdict(["--client", URLLIB, "--protocol", "http"], URLLIB_FAILS, URLLIB_WARNS, ["test_http_client.py"])


@pytest.mark.skipif(shutil.which("wget") is None, reason="wget is not installed")
def test_wget_verdicts():
    check_verdict(["--client", WGET, "--protocol", "http"], WGET_FAILS, WGET_WARNS, ["test_http_client.py"])
