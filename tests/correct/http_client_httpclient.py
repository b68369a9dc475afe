"""An HTTP client on http.client: one connection per request, redirects for GET followed by hand (at
most 5, RFC 1945 §9.3; a relative Location resolved against the request URL), a 10 s limit on every
wait, the entity body written to stdout as received, exit 1 on a status >= 400 and 2 on a network error.

    python tests/correct/http_client_httpclient.py URL

warning: http-client-simple-response: http.client cannot read an HTTP/0.9 Simple-Response (BadStatusLine); RFC 1945 §6 says a client "should assume that the response is a Simple-Response"
warning: http-client-close-mid-head: http.client takes EOF inside the head as its end and succeeds with an empty body; RFC 1945 §1.3 says a premature close "should" be handled predictably
"""

import http.client
import sys
import urllib.parse

TIMEOUT = 10


def fetch(url: str) -> tuple[int, bytes, str | None]:
    parts = urllib.parse.urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=TIMEOUT)
    try:
        conn.request("GET", path, headers={"User-Agent": "httpclient-student/1.0", "Connection": "close"})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, body, resp.getheader("Location")
    finally:
        conn.close()


def main() -> int:
    url = sys.argv[1]
    try:
        for _ in range(6):
            status, body, location = fetch(url)
            if status in (301, 302) and location:
                url = urllib.parse.urljoin(url, location.strip())
                continue
            break
        else:
            print("http: too many redirects", file=sys.stderr)
            return 1
    except (OSError, http.client.HTTPException) as exc:
        print(f"http: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if status >= 400:
        print(f"http: status {status}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
