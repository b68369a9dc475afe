"""Broken HTTP/1.0 server: never answers 400; a malformed request line is served as ``GET /``.

Wrong: malformed requests should get 400 Bad Request (RFC 1945 §9.4).  This server takes the second
word of the request line as the path when there is one and serves ``/`` otherwise, so ``GARBAGE``,
``GET / HTTP/1.0 extra`` or a NUL in the request line get ``200 OK``.
Caught by: HTTP10-ERR-1, scenario ``http-server-malformed-request-400``.

    python tests/broken/http_no_400.py --port PORT --root DIR
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
        words = line.split()
        if len(words) >= 3:  # a Full-Request: read the headers up to the empty line
            while self.rfile.readline(8192).strip():
                pass
        method = words[0] if words else "GET"
        target = words[1] if len(words) > 1 and words[1].startswith("/") else "/"  # BUG: anything goes
        path = urllib.parse.unquote(target.split("?")[0]).lstrip("/")
        full = os.path.join(ROOT, path)
        if ".." in path.split("/"):
            status, body = "404 Not Found", b"<h1>404 Not Found</h1>\n"
        elif os.path.isdir(full):  # a listing of the directory
            status, body = "200 OK", "".join(f"<a href='{n}'>{n}</a>\n" for n in sorted(os.listdir(full))).encode()
        elif os.path.isfile(full):
            status, body = "200 OK", pathlib.Path(full).read_bytes()
        else:
            status, body = "404 Not Found", b"<h1>404 Not Found</h1>\n"
        if len(words) == 2 and method == "GET":
            self.wfile.write(body)
            return
        head = (f"HTTP/1.0 {status}\r\nDate: {email.utils.formatdate(usegmt=True)}\r\n"
                f"Content-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n")
        self.wfile.write(head.encode() + (b"" if method == "HEAD" else body))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--root", default=".")
    args = p.parse_args()
    ROOT = args.root
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", args.port), Handler) as srv:
        print(f"LISTENING tcp 127.0.0.1 {srv.server_address[1]}", flush=True)
        srv.serve_forever()
