"""Unit tests of the packet layer (fixtures/rawnet): sequence arithmetic, parsing, crafted datagrams, pcaps,
namespaces and their cleanup, and the scapy TCP peer against a kernel listener inside a namespace.

Tests that need a privilege tier skip with the probe's reason when the run does not have it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Ether

from netconformance_fixtures.rawnet import ns as nsmod
from netconformance_fixtures.rawnet import tiers, udp
from netconformance_fixtures.rawnet.env import RawEnv
from netconformance_fixtures.rawnet.link import parse_ipv4, ports_of
from netconformance_fixtures.rawnet.tcp import ACK, PSH, Segment, seq_diff

ROOT = Path(__file__).resolve().parents[2]


def need(level: int) -> None:
    reason = tiers.current().skip_reason(level)
    if reason:
        pytest.skip(reason)


def frame(pkt) -> bytes:
    return bytes(Ether(src="00:00:00:00:00:00", dst="00:00:00:00:00:00") / pkt)


# ---------------------------------------------------------------------- pure functions
def test_seq_diff_wraps_modulo_2_32():
    assert seq_diff(5, 3) == 2
    assert seq_diff(3, 5) == -2
    assert seq_diff(2, 2**32 - 3) == 5
    assert seq_diff(2**32 - 3, 2) == -5


def test_segment_parse_reads_what_scapy_built():
    raw = frame(IP(src="127.0.0.1", dst="127.0.0.2") / TCP(sport=40001, dport=7, seq=2**32 - 1, ack=9, flags="PA",
                                                          window=1234) / b"payload")
    pkt = parse_ipv4(raw + b"\0" * 6)  # link padding is cut at the IP total length
    seg = Segment.parse(pkt)
    assert (seg.src, seg.sport, seg.dst, seg.dport) == ("127.0.0.1", 40001, "127.0.0.2", 7)
    assert (seg.seq, seg.ack, seg.window, seg.payload) == (2**32 - 1, 9, 1234, b"payload")
    assert seg.flags == PSH | ACK
    assert ports_of(pkt) == (40001, 7)


def test_crafted_datagram_checksums():
    good = udp.datagram(("127.0.0.1", 4000), ("127.0.0.1", 7), b"abc")
    bad = udp.datagram(("127.0.0.1", 4000), ("127.0.0.1", 7), b"abc", bad_checksum=True)
    recomputed = UDP(bytes(IP(good)[UDP]))
    assert IP(good)[UDP].chksum == IP(bytes(IP(good)))[UDP].chksum
    assert good[:26] == bad[:26] and good[28:] == bad[28:]
    assert bad[26:28] not in (good[26:28], b"\0\0")
    assert recomputed.len == 11


def test_crafted_datagram_sizes():
    empty = IP(udp.datagram(("127.0.0.1", 1), ("127.0.0.1", 7)))
    assert empty[UDP].len == 8 and empty.len == 28
    biggest = udp.datagram(("127.0.0.1", 1), ("127.0.0.1", 7), b"x" * udp.MAX_PAYLOAD)
    assert len(biggest) == 65_535
    with pytest.raises(ValueError):
        udp.datagram(("127.0.0.1", 1), ("127.0.0.1", 7), b"x" * (udp.MAX_PAYLOAD + 1))


def test_fragments_cover_the_datagram_last_first():
    whole = udp.datagram(("127.0.0.1", 1), ("127.0.0.1", 7), bytes(20_000))
    frags = udp.fragments(whole, 1480, reverse=True)
    assert len(frags) == 14
    parsed = [parse_ipv4(frame(IP(f))) for f in frags]
    assert parsed[0].frag_offset == max(p.frag_offset for p in parsed) and not parsed[0].more_fragments
    assert sum(len(p.payload) for p in parsed) == len(whole) - 20


def test_tier_describe_and_skip_reason():
    t = tiers.Tier(0, {"1": "no raw sockets", "2": "no namespaces"})
    assert "tier 0" in t.describe() and "no raw sockets" in t.describe()
    assert "unshare" in t.skip_reason(2) and t.skip_reason(0) is None
    assert tiers.Tier.from_json(t.to_json()) == t


# ---------------------------------------------------------------------- namespaces
def test_namespace_has_lo_and_rule_and_dies_with_its_holder():
    need(2)
    n = nsmod.create()
    inode = os.readlink(n.path)
    try:
        assert inode != os.readlink("/proc/self/ns/net")
        tool = nsmod.install_rst_drop(n)
        if tool == "nft":
            assert "ncraw" in n.run(["nft", "list", "ruleset"]).stdout.decode()
        with n.entered():
            assert socket.if_nameindex()[0][1] == "lo"
    finally:
        n.close()
    assert n.holder.poll() is not None
    assert inode not in _namespaces_in_use()


def _namespaces_in_use() -> set[str]:
    found = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            found.add(os.readlink(f"/proc/{pid}/ns/net"))
        except OSError:
            pass
    return found


def test_sweep_kills_processes_of_a_dead_owner():
    dead = subprocess.Popen(["true"])
    dead.wait()
    env = dict(os.environ, **{nsmod.OWNER_ENV: str(dead.pid)})
    orphan = subprocess.Popen(["sleep", "30"], env=env)
    try:
        nsmod.sweep()  # (a concurrent run's session-start sweep may get there first: same result)
        assert orphan.wait(5) == -signal.SIGKILL
    finally:
        orphan.kill()
        orphan.wait()
    mine = subprocess.Popen(["sleep", "30"], env=nsmod.owner_env())  # a live owner's processes are never touched
    try:
        nsmod.sweep()
        assert mine.poll() is None
    finally:
        mine.kill()
        mine.wait()


# ---------------------------------------------------------------------- the TCP peer against a kernel listener
@pytest.fixture
def kernel_server():
    """A plain kernel TCP server inside a fresh namespace: records each connection's reads; echoes."""
    need(2)
    env = RawEnv.create(2)
    with env.entered():
        ls = socket.socket()
    ls.bind(("127.0.0.1", 7))
    ls.listen(8)
    reads: list[list[bytes]] = []
    errors: list[str] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = ls.accept()
            except OSError:
                return
            mine: list[bytes] = []
            reads.append(mine)
            try:
                while data := conn.recv(4096):
                    mine.append(data)
                    conn.sendall(data)
            except OSError as exc:
                errors.append(type(exc).__name__)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield env, reads, errors
    ls.close()
    env.close()


def test_peer_handshake_one_byte_segments_and_fin(kernel_server):
    env, reads, _ = kernel_server
    ep = env.tcp(("127.0.0.1", 7))
    assert ep.connect(2)
    ep.send(b"hello\n", sizes=1, gap=0.005)
    got = ep.recv_until(lambda b: len(b) >= 6, 2)
    assert got.data == b"hello\n" and got.end == "complete"
    ep.fin()
    assert ep.recv_to_eof(2).end == "eof"
    assert len(reads[0]) >= 3  # the server saw several short reads


def test_peer_out_of_order_and_overlap_reassembled_by_the_kernel(kernel_server):
    env, _, _ = kernel_server
    ep = env.tcp(("127.0.0.1", 7))
    assert ep.connect(2)
    ep.send_at(3, b"lo\n")
    time.sleep(0.02)
    ep.send_at(0, b"hel")
    ep.send_at(1, b"XXlo\n")  # conflicts with bytes already received: the kernel keeps the old ones
    ep.snd_nxt += 6
    assert ep.wait_acked(2)
    assert ep.recv_until(lambda b: len(b) >= 6, 2).data == b"hello\n"


def test_peer_zero_window_holds_the_answer_until_reopened(kernel_server):
    env, _, _ = kernel_server
    ep = env.tcp(("127.0.0.1", 7), window=0)
    assert ep.connect(2)
    ep.send(b"x" * 5000)
    time.sleep(0.3)
    assert ep.received == b""
    ep.set_window(65535)
    assert ep.recv_until(lambda b: len(b) >= 5000, 3).data == b"x" * 5000


def test_peer_rst_reaches_the_application(kernel_server):
    env, _, errors = kernel_server
    ep = env.tcp(("127.0.0.1", 7))
    assert ep.connect(2)
    ep.send(b"abc")
    ep.recv_until(lambda b: len(b) >= 3, 2)
    ep.rst()
    deadline = time.monotonic() + 2
    while not errors and time.monotonic() < deadline:
        time.sleep(0.01)
    assert errors == ["ConnectionResetError"]


def test_pcap_of_a_link_opens_in_tshark(kernel_server, tmp_path):
    env, _, _ = kernel_server
    ep = env.tcp(("127.0.0.1", 7))
    assert ep.connect(2)
    ep.send(b"pcap\n")
    ep.recv_until(lambda b: len(b) >= 5, 2)
    path = env.write_pcap(tmp_path / "x.pcap")
    tshark = shutil.which("tshark")
    if tshark is None:
        pytest.skip("tshark is not installed")
    out = subprocess.run([tshark, "-r", str(path)], capture_output=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count(b"\n") >= 4 and b"SYN" in out.stdout


# ---------------------------------------------------------------------- SIGKILL leaves nothing behind
HOLDER_SCRIPT = """
import sys, time
sys.path.insert(0, {root!r})
from netconformance_fixtures.rawnet.env import RawEnv
from netconformance_fixtures.rawnet.launch import start_server
from netconformance_fixtures.targets import parse_spec
env = RawEnv.create(2)
spec = parse_spec("server", "echo=cmd:{{python}} -m reference_servers.echo --port {{port}}")
srv = start_server(spec, env.namespace, __import__("pathlib").Path({tmp!r}), timeout=0.5, startup_timeout=20)
import os
print("READY", env.namespace.pid, srv.launched.pid, os.readlink(env.namespace.path), flush=True)
time.sleep(60)
"""


def _live_processes_of(owner: int) -> list[int]:
    return [pid for pid, o in nsmod.stale_processes() if o == owner]


def test_sigkill_of_the_owner_leaves_no_namespace_rule_or_process(tmp_path):
    need(2)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER_SCRIPT.format(root=str(ROOT), tmp=str(tmp_path))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = proc.stdout.readline().decode().split()
        assert line and line[0] == "READY", proc.stderr.read().decode()[-2000:]
        holder, target, inode = int(line[1]), int(line[2]), line[3]
        assert inode in _namespaces_in_use()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (_live_processes_of(proc.pid) or inode in _namespaces_in_use()):
        time.sleep(0.05)
    assert _live_processes_of(proc.pid) == []
    assert not nsmod._pid_alive(holder) and not nsmod._pid_alive(target)
    assert inode not in _namespaces_in_use()  # the namespace, its lo and its nft table are gone


def test_sigkill_of_a_pytest_run_under_xdist_leaves_nothing(tmp_path):
    """A whole ``pytest -n 2`` run of raw scenarios, SIGKILLed mid-run (every process of it)."""
    need(2)
    cmd = [sys.executable, "-m", "pytest", str(ROOT / "conformance/scenarios/test_raw_packets.py"), "-q", "-n", "2",
           "-p", "no:randomly", "-p", "no:cacheprovider", "--rootdir", str(ROOT), "-k", "zero_window or rst_mid"]
    run = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    owners: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not owners:
            owners = {o for o in _owners_of_stamped() if _in_group(o, run.pid)}
            time.sleep(0.05)
        assert owners, "the run never started a namespace"
        time.sleep(0.3)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_live_processes_of(o) for o in owners):
        time.sleep(0.05)
    assert [p for o in owners for p in _live_processes_of(o)] == []


def _owners_of_stamped() -> set[int]:
    owners = set()
    key = nsmod.OWNER_ENV.encode() + b"="
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        for item in env:
            if item.startswith(key):
                owners.add(int(item[len(key):]))
    return owners


def _in_group(pid: int, pgid: int) -> bool:
    try:
        return os.getpgid(pid) == pgid
    except OSError:
        return False


# ---------------------------------------------------------------------- a client run inside the namespace
@pytest.mark.parametrize("forkserver", ["1", "0"])
def test_a_module_run_with_netns_runs_inside_that_namespace(forkserver, tmp_path, monkeypatch):
    """``forkserver.run_module(netns=...)``: the fork server's child enters the namespace with setns, and
    without the fork server the new interpreter goes through nsenter; either way it sees the namespace's
    network, not ours."""
    from netconformance_fixtures import forkserver as fs

    need(2)
    monkeypatch.setenv("NETCONFORMANCE_FORKSERVER", forkserver)
    (tmp_path / "nsprobe.py").write_text("import os\nprint(os.readlink('/proc/self/ns/net'))\n")
    ns = nsmod.create()
    try:
        run = fs.run_module([sys.executable, "-m", "nsprobe"], timeout=20, cwd=tmp_path, netns=ns.path)
        assert run.status == 0, run.describe()
        assert run.stdout.decode().strip() == os.readlink(ns.path) != os.readlink("/proc/self/ns/net")
    finally:
        ns.close()
