"""Requests per second of the HTTP/1.0 reference server against Python's ``http.server``, side by side.

Not run by CI.  Each server runs as its own process on the same document root and serves the same file
(``--size`` bytes, 1 KiB by default) to the same request: ``GET /bench-<size>.bin HTTP/1.0`` with Host and
User-Agent, one request per connection as HTTP/1.0 has it (RFC 1945 §1.3).  The servers are measured in
alternating rounds in one run (reference, http.server, http.server, reference, ...), at each
``--concurrency``; each line of the summary gives the median of the rounds and the ratio reference /
http.server, with the ratio of each round's pair beside it.  The load average is printed at the start and
at the end.

The load generator is cheap on purpose, because on two cores it competes with the server for CPU: one
worker process per connection in flight (forked), each a blocking-socket loop (connect, send the request,
read until the server closes, check the status line and the body, close), no asyncio and nothing in the
server's process.  Its ceiling is measured in the same rounds against a trivial server (one process,
blocking accept, a prebuilt response, no parsing): the servers under test must stay well below it.
Each line also gives the CPU time per request of the server process (user + system, all its threads,
during the measured window, from /proc) and of the load processes.  ``--before DIR`` adds the reference
server as found in DIR (an older checkout: DIR/reference_servers) to the rounds.
Every wait is bounded (``--timeout`` per socket operation, 10 s for a server to start or stop).

    python benchmarks/http_throughput.py [--seconds 4] [--rounds 3] [--concurrency 1 16] [--size 1024]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netconformance_fixtures.docroot import prepare_docroot
from netconformance_fixtures.ports import free_port

REFERENCE = "reference"
HTTP_SERVER = "http.server"
BEFORE = "reference (before)"
TRIVIAL = "trivial (ceiling)"

_TRIVIAL_SERVER = r"""
import socket, sys
body = open(sys.argv[2], "rb").read()
response = b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % len(body) + body
listener = socket.create_server(("127.0.0.1", int(sys.argv[1])), backlog=128)
while True:
    conn, _ = listener.accept()
    try:
        conn.settimeout(5)
        conn.recv(65536)  # the whole request arrives in one segment on loopback
        conn.sendall(response)
        conn.shutdown(socket.SHUT_WR)
        conn.recv(65536)  # the client's close, so the close below sends no RST
    except OSError:
        pass
    conn.close()
"""


# ---------------------------------------------------------------------------------------------- load
def _client(port: int, request: bytes, body: bytes, start: float, warmup: float, seconds: float,
            timeout: float, out) -> None:
    """One connection in flight: requests back to back from ``start + warmup`` for ``seconds``; only
    requests that complete inside that window count.  Sends ``(ok, errors, latencies, all requests made)``
    on ``out``."""
    ok = errors = made = 0
    latencies = array("d")
    status = b"HTTP/1.0 200 "
    address = ("127.0.0.1", port)
    window = start + warmup
    deadline = window + seconds
    time.sleep(max(0.0, start - time.monotonic()))
    now = time.monotonic()
    while now < deadline:
        began = now
        good = False
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(address)
            sock.sendall(request)
            chunks = []
            while data := sock.recv(262144):
                chunks.append(data)
            reply = b"".join(chunks)
            good = reply.startswith(status) and reply.endswith(body)
        except OSError:
            pass
        finally:
            sock.close()
        now = time.monotonic()
        made += 1
        if now < window or now > deadline:
            continue
        if good:
            ok += 1
            latencies.append(now - began)
        else:
            errors += 1
    out.send((ok, errors, latencies.tobytes(), made))
    out.close()


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (all its threads) so far, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(port: int, path: str, body: bytes, concurrency: int, seconds: float, warmup: float,
            timeout: float, server_pid: int | None = None) -> dict:
    """Drive the server on ``port`` with ``concurrency`` forked clients: requests per second, latency, and
    CPU time per request of the server (process ``server_pid``, during the measured window) and of the
    load processes (over all their requests)."""
    ctx = mp.get_context("fork")
    load_cpu = os.times()
    request = f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: nc-bench\r\n\r\n".encode()
    start = time.monotonic() + 0.2
    pipes, procs = [], []
    for _ in range(concurrency):
        receiver, sender = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_client, args=(port, request, body, start, warmup, seconds, timeout, sender))
        proc.start()
        sender.close()
        pipes.append(receiver)
        procs.append(proc)
    server_cpu = None
    if server_pid is not None:
        time.sleep(max(0.0, start + warmup - time.monotonic()))
        server_cpu = _cpu_seconds(server_pid)
        time.sleep(max(0.0, start + warmup + seconds - time.monotonic()))
        server_cpu = _cpu_seconds(server_pid) - server_cpu
    results = []
    for receiver, proc in zip(pipes, procs):
        if not receiver.poll(start - time.monotonic() + warmup + seconds + 2 * timeout + 10):
            proc.kill()
            raise TimeoutError("a load process did not report")
        results.append(receiver.recv())
        proc.join(10)
    ok = sum(r[0] for r in results)
    after = os.times()
    load_cpu = after.children_user + after.children_system - load_cpu.children_user - load_cpu.children_system
    lat = array("d")
    for r in results:
        lat.frombytes(r[2])
    lat = sorted(lat)
    pct = (lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000) if lat else (lambda p: float("nan"))
    return {"rps": ok / seconds, "ok": ok, "errors": sum(r[1] for r in results), "p50_ms": pct(0.5),
            "p99_ms": pct(0.99), "server_us": server_cpu / ok * 1e6 if server_cpu is not None and ok else float("nan"),
            "load_us": load_cpu / max(1, sum(r[3] for r in results)) * 1e6}


# ---------------------------------------------------------------------------------------------- servers
def wait_listening(port: int, proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """Return once ``port`` accepts a connection.  Raises TimeoutError, or RuntimeError if ``proc`` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"nothing listening on {port} after {timeout} s")


def server_commands(root: Path, body_file: Path, before: Path | None) -> dict[str, tuple[list[str], dict]]:
    """``{name: (argv with {port}, environment)}`` of every server measured."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    reference = [sys.executable, "-m", "reference_servers.http", "--root", str(root), "--port", "{port}"]
    servers = {
        REFERENCE: (reference, env),
        HTTP_SERVER: ([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(root),
                       "{port}"], env),
    }
    if before is not None:
        servers[BEFORE] = (reference, dict(os.environ, PYTHONPATH=str(before)))
    servers[TRIVIAL] = ([sys.executable, "-c", _TRIVIAL_SERVER, "{port}", str(body_file)], env)
    return servers


def run_server(argv: list[str], env: dict, path: str, body: bytes, concurrency: int, args) -> dict:
    port = free_port()
    # cwd: not this checkout, which ``-m`` would put ahead of PYTHONPATH (and so run it for --before too)
    proc = subprocess.Popen([a.replace("{port}", str(port)) for a in argv], cwd=tempfile.gettempdir(), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, proc)
        return measure(port, path, body, concurrency, args.seconds, args.warmup, args.timeout, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=4.0, help="measured seconds per server and round (default 4)")
    p.add_argument("--warmup", type=float, default=0.5, help="unmeasured seconds before each measurement")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 16], help="connections in flight (default 1 16)")
    p.add_argument("--size", type=int, nargs="+", default=[1024], help="file sizes in bytes (default 1024)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per socket operation of the load")
    p.add_argument("--before", type=Path, help="also measure the reference server of this older checkout")
    p.add_argument("--no-ceiling", action="store_true", help="skip the trivial server (the load's ceiling)")
    args = p.parse_args()
    if args.rounds < 1 or min(args.concurrency) < 1 or args.seconds <= 0 or min(args.size) < 0:
        p.error("--rounds, --concurrency and --seconds must be positive")
    if args.before is not None and not (args.before / "reference_servers" / "http").is_dir():
        p.error(f"--before {args.before}: no reference_servers/http there")
    with tempfile.TemporaryDirectory(prefix="nc-bench-") as tmp:
        root = Path(tmp) / "root"
        prepare_docroot(root)
        files = {}
        for size in args.size:
            files[size] = root / f"bench-{size}.bin"
            files[size].write_bytes(bytes((i * 7 + 13) % 256 for i in range(size)))
        print(f"GET /bench-SIZE.bin HTTP/1.0, one request per connection, {args.rounds} alternating rounds of "
              f"{args.seconds:g} s (after {args.warmup:g} s warm-up), one load process per connection; "
              f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; load average at start {_loadavg()}",
              flush=True)
        results: dict[tuple[str, int, int], list[dict]] = {}
        names: list[str] = []
        for round_no in range(args.rounds):
            for size, body_file in files.items():
                servers = server_commands(root, body_file, args.before)
                if args.no_ceiling:
                    del servers[TRIVIAL]
                names = list(servers)
                order = names if round_no % 2 == 0 else names[::-1]
                body = body_file.read_bytes()
                for concurrency in args.concurrency:
                    for name in order:
                        argv, env = servers[name]
                        r = run_server(argv, env, f"/{body_file.name}", body, concurrency, args)
                        results.setdefault((name, size, concurrency), []).append(r)
                        print(f"  round {round_no + 1} size {size:6d} c={concurrency:<3d} {name:20s} "
                              f"{r['rps']:8.0f} req/s  errors {r['errors']:3d}  p50 {r['p50_ms']:6.2f} ms  "
                              f"p99 {r['p99_ms']:6.2f} ms  CPU/request: server {r['server_us']:5.0f} us, "
                              f"load {r['load_us']:4.0f} us", flush=True)
        print(f"load average at end {_loadavg()}")
        print("medians over the rounds (ratio = reference / http.server; per round in brackets):")
        for size in files:
            for concurrency in args.concurrency:
                base = [r["rps"] for r in results[(HTTP_SERVER, size, concurrency)]]
                for name in names:
                    rps = [r["rps"] for r in results[(name, size, concurrency)]]
                    cpu = statistics.median(r["server_us"] for r in results[(name, size, concurrency)])
                    line = (f"  size {size:6d} c={concurrency:<3d} {name:20s} {statistics.median(rps):8.0f} req/s"
                            f"  server CPU {cpu:5.0f} us/request")
                    if name != HTTP_SERVER:
                        rounds = ", ".join(f"{a / b:.2f}" for a, b in zip(rps, base) if b)
                        ratio = statistics.median(rps) / statistics.median(base) if statistics.median(base) else 0
                        line += f"  ratio {ratio:5.2f} x http.server  [{rounds}]"
                    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
