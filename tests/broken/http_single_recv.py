"""Broken HTTP/1.0 server: assumes one ``recv()`` returns the whole request.

Wrong: TCP is a byte stream (NET-TCP-1); the head must be collected up to the empty line however the
segments fall (RFC 1945 §4.1).  This server parses whatever the first ``recv()`` returned, so a request
trickled one byte at a time (or split between CR and LF) gets 400.
Caught by: HTTP10-REQ-2 / NET-TCP-1, scenario ``http-server-request-trickled`` (also the split-at-CRLF
scenario).  Serves files correctly when the request arrives in one segment.

    python tests/broken/http_single_recv.py --port PORT --root DIR
"""

import argparse
import email.utils
import os
import pathlib
import socket
import threading
import urllib.parse


def serve(conn, root):
    with conn:
        conn.settimeout(10)
        data = conn.recv(65536)  # BUG: one recv() taken as the whole request
        lines = data.decode("latin-1").split("\r\n")
        parts = lines[0].split()
        if len(parts) != 3 or parts[0] not in ("GET", "HEAD") or "" not in lines[1:]:
            status, body = "400 Bad Request", b"<h1>400 Bad Request</h1>\n"
        else:
            path = urllib.parse.unquote(parts[1].split("?")[0]).lstrip("/")
            full = os.path.join(root, path)
            if ".." in path.split("/"):
                status, body = "403 Forbidden", b"<h1>403</h1>\n"
            elif os.path.isdir(full) and os.path.isfile(os.path.join(full, "index.html")):
                status, body = "200 OK", pathlib.Path(os.path.join(full, "index.html")).read_bytes()
            elif os.path.isfile(full):
                status, body = "200 OK", pathlib.Path(full).read_bytes()
            else:
                status, body = "404 Not Found", b"<h1>404 Not Found</h1>\n"
        head = (f"HTTP/1.0 {status}\r\nDate: {email.utils.formatdate(usegmt=True)}\r\n"
                f"Content-Type: application/octet-stream\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        conn.sendall(head + (b"" if parts and parts[0] == "HEAD" else body))
        conn.shutdown(socket.SHUT_WR)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--root", default=".")
    args = p.parse_args()
    ls = socket.create_server(("127.0.0.1", args.port))
    print(f"LISTENING tcp 127.0.0.1 {ls.getsockname()[1]}", flush=True)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c, args.root), daemon=True).start()
