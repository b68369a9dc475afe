"""An HTTP client on urllib.request, with the fixes a careful user makes: a per-wait timeout, at most 5
redirects followed (RFC 1945 §9.3), the body written as bytes, and every failure reported by the exit
status (non-zero on a status >= 400 or a network error).

    python tests/correct/http_client_urllib.py URL

warning: http-client-simple-response: http.client cannot read an HTTP/0.9 Simple-Response (BadStatusLine); RFC 1945 §6 says a client "should assume that the response is a Simple-Response"
warning: http-client-close-mid-head: http.client takes EOF inside the head as its end and succeeds with an empty body; RFC 1945 §1.3 says a premature close "should" be handled predictably
"""

import sys
import urllib.error
import urllib.request

TIMEOUT = 5


class FewRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5


def main() -> int:
    opener = urllib.request.build_opener(FewRedirects)
    opener.addheaders = [("User-Agent", "urllib-student/1.0")]
    try:
        with opener.open(sys.argv[1], timeout=TIMEOUT) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        print(f"http: status {exc.code}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - any network or protocol error is a failed fetch
        print(f"http: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    sys.stdout.buffer.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
