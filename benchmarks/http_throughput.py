"""Throughput of the HTTP/1.0 reference server against Python's ``http.server``, side by side.

Not run by CI.  Both servers are started as separate processes on the same document root; the same load
generator (this script: asyncio, one HTTP/1.0 request per connection, ``--concurrency`` requests in
flight, spread over ``--workers`` processes) hits each for ``--seconds`` and reports completed requests
per second, errors and latency percentiles.  Every wait is bounded.

    python benchmarks/http_throughput.py [--seconds 5] [--concurrency 16] [--workers 2] [--rounds 3] [--path /hello.txt]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netconformance_fixtures.docroot import prepare_docroot
from netconformance_fixtures.ports import free_port


async def _one(host: str, port: int, request: bytes, timeout: float) -> bool:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        writer.write(request)
        data = await asyncio.wait_for(reader.read(-1), timeout)
        return data.startswith(b"HTTP/1.0 200 ")
    finally:
        writer.close()


async def _load(host: str, port: int, path: str, seconds: float, concurrency: int, timeout: float):
    request = f"GET {path} HTTP/1.0\r\nHost: {host}:{port}\r\nUser-Agent: nc-bench\r\n\r\n".encode()
    deadline = time.monotonic() + seconds
    ok = errors = 0
    latencies: list[float] = []

    async def worker() -> None:
        nonlocal ok, errors
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                good = await _one(host, port, request, timeout)
            except (OSError, TimeoutError):
                good = False
            latencies.append(time.monotonic() - started)
            if good:
                ok += 1
            else:
                errors += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return ok, errors, latencies


def _worker_main(args) -> tuple[int, int, list[float]]:
    return asyncio.run(_load(*args))


def measure(port: int, path: str, seconds: float, concurrency: int, workers: int) -> dict:
    per = max(1, concurrency // workers)
    with mp.Pool(workers) as pool:
        results = pool.map(_worker_main, [("127.0.0.1", port, path, seconds, per, 10.0)] * workers)
    ok = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    lat = sorted(x for r in results for x in r[2])
    q = (lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000) if lat else (lambda p: float("nan"))
    return {"rps": ok / seconds, "ok": ok, "errors": errors, "p50_ms": q(0.5), "p99_ms": q(0.99),
            "mean_ms": statistics.fmean(lat) * 1000 if lat else float("nan")}


def wait_listening(port: int, timeout: float = 10.0) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port} after {timeout} s")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--workers", type=int, default=2, help="load generator processes")
    p.add_argument("--path", default="/hello.txt")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds per server (the median is reported)")
    args = p.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with tempfile.TemporaryDirectory(prefix="nc-bench-") as tmp:
        root = Path(tmp) / "root"
        prepare_docroot(root)
        servers = {
            "reference (reference_servers.http)": lambda port: [sys.executable, "-m", "reference_servers.http",
                                                                "--root", str(root), "--port", str(port)],
            "http.server (ThreadingHTTPServer)": lambda port: [sys.executable, "-m", "http.server", "--bind",
                                                               "127.0.0.1", "--directory", str(root), str(port)],
        }
        print(f"GET {args.path} HTTP/1.0, one request per connection, concurrency {args.concurrency} over "
              f"{args.workers} load processes, {args.seconds:g} s per run, {args.rounds} alternating rounds, "
              f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        results: dict[str, list[dict]] = {name: [] for name in servers}
        for round_no in range(args.rounds):
            order = list(servers) if round_no % 2 == 0 else list(reversed(servers))
            for name in order:
                port = free_port()
                proc = subprocess.Popen(servers[name](port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
                try:
                    wait_listening(port)
                    measure(port, args.path, 0.5, args.concurrency, args.workers)  # warm-up
                    r = measure(port, args.path, args.seconds, args.concurrency, args.workers)
                finally:
                    proc.terminate()
                    proc.wait(10)
                results[name].append(r)
                print(f"  round {round_no + 1} {name:38s} {r['rps']:8.0f} req/s  errors {r['errors']:4d}  "
                      f"p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms", flush=True)
        for name, rs in results.items():
            print(f"median {name:38s} {statistics.median(r['rps'] for r in rs):8.0f} req/s  "
                  f"p50 {statistics.median(r['p50_ms'] for r in rs):6.2f} ms  "
                  f"p99 {statistics.median(r['p99_ms'] for r in rs):6.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
