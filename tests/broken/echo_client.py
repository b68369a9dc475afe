"""A deliberately broken echo client (RFC 862), one bug at a time, for the suite's self-tests.

    python tests/broken/echo_client.py --host H --port P [--unix PATH] --transport tcp|udp --bug BUG

Follows the client contract (stdin out, echo to stdout, exit 0 on a correct echo) except for its bug.
``--bug none`` is a plain correct client.
"""

import argparse
import socket
import sys
import tempfile
import threading

BUGS = {
    "none": "correct",
    "adds-newline": "prints the echo followed by a newline (echo-client-basic)",
    "single-recv": "trusts one recv() to hold the whole echo (echo-client-fragmented-echo)",
    "no-timeout": "waits forever (echo-client-stalled-server, echo-client-never-accepted, echo-client-short-echo-stall)",
    "write-then-read": "writes everything before reading (echo-client-large-echo deadlocks)",
    "no-compare": "prints whatever came back and exits 0 (echo-client-short-echo, echo-client-udp-truncated-reply)",
    "errors-are-success": "swallows network errors and exits 0 (echo-client-refused, echo-client-reset-mid-echo)",
    "impatient": "gives up after 0.1 s of silence (echo-client-paused-server)",
    "udp-no-retry": "sends once, never retransmits (echo-client-udp-retransmit)",
    "udp-any-source": "takes the first datagram from anywhere (echo-client-udp-forged-reply)",
    "udp-first-reply": "takes the first datagram from the server as the answer, even a stale duplicate that does "
                       "not match the request (echo-client-udp-stale-duplicate)",
    "udp-empty-is-eof": "treats an empty reply as 'connection closed' (echo-client-udp-empty)",
    "udp-forever": "no receive timeout (echo-client-udp-all-lost)",
    "ipv4-only": "hard-codes AF_INET: cannot reach a server on ::1 (every scenario under --family 6)",
    "ignores-unix": "takes --unix but connects to --host/--port over AF_INET all the same (--family unix)",
    "unix-unbound": "sends AF_UNIX datagrams from an unbound socket: the server has nowhere to answer",
}


def tcp(args, data: bytes) -> bytes:
    timeout = None if args.bug == "no-timeout" else (0.1 if args.bug == "impatient" else args.timeout)
    if args.unix and args.bug != "ignores-unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(args.unix)
    elif args.bug in ("ipv4-only", "ignores-unix"):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect((args.host, args.port))
    else:
        s = socket.create_connection((args.host, args.port), timeout=timeout)
    if args.bug == "write-then-read":
        s.sendall(data)
    else:
        threading.Thread(target=s.sendall, args=(data,), daemon=True).start()
    if args.bug == "single-recv":
        return s.recv(65536)
    got = bytearray()
    while len(got) < len(data):
        chunk = s.recv(65536)
        if not chunk:
            break
        got += chunk
    return bytes(got)


def udp(args, data: bytes) -> bytes:
    ipv6 = ":" in args.host and args.bug != "ipv4-only"
    if args.unix and args.bug != "ignores-unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if args.bug != "unix-unbound":
            s.bind(tempfile.mkdtemp(prefix="ncb-", dir="/tmp") + "/c")
        server = args.unix
    else:
        s = socket.socket(socket.AF_INET6 if ipv6 else socket.AF_INET, socket.SOCK_DGRAM)
        server = (args.host, args.port)
    tries = 1 if args.bug == "udp-no-retry" else 4
    s.settimeout(None if args.bug == "udp-forever" else args.timeout)
    for _ in range(tries):
        s.sendto(data, server)
        try:
            while True:
                reply, addr = s.recvfrom(65535)
                if args.bug == "udp-any-source":
                    break
                if (addr if isinstance(addr, str) else addr[:2]) != server:
                    continue
                # the answer to this request is the datagram equal to it: a late duplicate of an earlier
                # echo (or a truncated one) is not it, keep waiting
                if reply == data or args.bug in ("udp-first-reply", "no-compare"):
                    break
        except TimeoutError:
            continue
        if args.bug == "udp-empty-is-eof" and not reply:
            raise ConnectionError("connection closed by server")
        return reply
    raise TimeoutError("no reply")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--transport", default="tcp")
    p.add_argument("--timeout", type=float, default=2.0)
    p.add_argument("--unix", help="the server's AF_UNIX socket path (then --host/--port are ignored)")
    p.add_argument("--bug", choices=sorted(BUGS), default="none")
    args = p.parse_args()
    data = sys.stdin.buffer.read()
    try:
        got = tcp(args, data) if args.transport == "tcp" else udp(args, data)
    except OSError as exc:
        if args.bug == "errors-are-success":
            return 0
        print(f"echo: {exc}", file=sys.stderr)
        return 3
    sys.stdout.buffer.write(got + (b"\n" if args.bug == "adds-newline" else b""))
    if got != data and args.bug not in ("no-compare", "errors-are-success"):
        print("echo: mismatch", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
