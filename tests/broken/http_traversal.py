"""Broken HTTP/1.0 server: path traversal.  It %-decodes the Request-URI and joins it to the document
root without checking ``..`` segments, so ``/%2e%2e/secret`` or ``/../../etc/passwd`` leaves the root.

Wrong: ``..`` segments, including %-encoded ones, must never reach files outside the document root
(RFC 1945 §12.5).
Caught by: HTTP10-SEC-1, scenario ``http-server-traversal`` (the suite plants a canary file next to
``{root}`` and looks for its bytes).

    python tests/broken/http_traversal.py --port PORT --root DIR
"""

import argparse
import email.utils
import os
import pathlib
import socketserver
import urllib.parse


class Handler(socketserver.StreamRequestHandler):
    timeout = 10

    def handle(self):
        line = self.rfile.readline(8192).decode("latin-1")
        while self.rfile.readline(8192).strip():
            pass
        words = line.split()
        if len(words) != 3 or words[0] not in ("GET", "HEAD") or not words[2].startswith("HTTP/"):
            status, body = "400 Bad Request", b"<h1>400 Bad Request</h1>\n"
            method = "GET"
        else:
            method, target = words[0], words[1]
            full = ROOT + urllib.parse.unquote(target.split("?")[0])  # BUG: no check at all
            if os.path.isdir(full):
                full = os.path.join(full, "index.html")
            if os.path.isfile(full):
                status, body = "200 OK", pathlib.Path(full).read_bytes()
            else:
                status, body = "404 Not Found", b"<h1>404 Not Found</h1>\n"
        head = (f"HTTP/1.0 {status}\r\nDate: {email.utils.formatdate(usegmt=True)}\r\n"
                f"Content-Type: application/octet-stream\r\nContent-Length: {len(body)}\r\n\r\n")
        self.wfile.write(head.encode() + (b"" if method == "HEAD" else body))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--root", default=".")
    args = p.parse_args()
    ROOT = args.root.rstrip("/")
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", args.port), Handler) as srv:
        print(f"LISTENING tcp 127.0.0.1 {srv.server_address[1]}", flush=True)
        srv.serve_forever()
