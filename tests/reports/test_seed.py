"""Seeded runs: the seed is printed and stored, every random choice comes from it, and ``--seed N``
replays a run's choices exactly, whatever the worker count or the order."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from netconformance_fixtures.proxy import Impairment

ROOT = Path(__file__).resolve().parents[2]

# a scenario module of our own: it records the random choices it made in its transcript
PROBE = textwrap.dedent('''
    import random
    from conformance.registry import scenario
    from netconformance_fixtures.transcript import current

    @scenario("echo-seed-probe-a", protocol="echo", role="server", category="protocol", requirements=["ECHO-TCP-1"])
    def test_probe_a(server, rng):
        """probe a"""
        current().note(f"rng={rng.getrandbits(64)} global={random.getrandbits(64)}")

    @scenario("echo-seed-probe-b", protocol="echo", role="server", category="protocol", requirements=["ECHO-TCP-1"])
    def test_probe_b(server, rng):
        """probe b"""
        current().note(f"rng={rng.getrandbits(64)} global={random.getrandbits(64)}")
''')


def run(tmp: Path, name: str, *args: str, files: list[str] | None = None) -> dict:
    out = tmp / f"{name}.json"
    cmd = [sys.executable, "-m", "pytest", *(files or []), "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
           "--rootdir", str(ROOT), "--conformance-timeout", "0.3", "--json", str(out), *args]
    proc = subprocess.run(cmd, check=False, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.exists(), proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads(out.read_text())
    data["_stdout"] = proc.stdout
    return data


def choices(data: dict) -> dict[tuple, str]:
    """Per result: every byte the harness chose to send, and its notes about random choices."""
    out = {}
    for r in data["results"]:
        sent = "".join(e["hex"] for e in r["transcript"]["events"] if e["dir"] == "send")
        notes = [e["text"] for e in r["transcript"]["events"] if e["dir"] == "note" and "rng=" in e["text"]]
        out[(r["scenario"], r["target"], r["transport"])] = sent + "|" + "|".join(notes)
    return out


def test_probe_choices_replay_across_workers(tmp_path):
    probe = tmp_path / "test_probe.py"
    probe.write_text(PROBE)
    files = [str(probe)]
    one = run(tmp_path, "one", "--seed", "4242", "--protocol", "echo", "--server", "echo=ref", files=files)
    two = run(tmp_path, "two", "--seed", "4242", "--protocol", "echo", "--server", "echo=ref", "-n", "2", files=files)
    other = run(tmp_path, "other", "--seed", "4243", "--protocol", "echo", "--server", "echo=ref", files=files)
    assert one["seed"] == two["seed"] == 4242 and other["seed"] == 4243
    assert "seed 4242 (replay with --seed 4242)" in one["_stdout"] or "seed 4242" in one["_stdout"]
    a, b, c = choices(one), choices(two), choices(other)
    assert len(a) == 4 and all("rng=" in v for v in a.values())  # 2 scenarios x tcp, udp
    assert a == b, "the same seed gave other choices under -n 2"
    assert all(a[k] != c[k] for k in a), "another seed gave the same choices"
    assert len(set(a.values())) == 4, "two scenario runs drew the same numbers"


def test_echo_payloads_replay(tmp_path):
    """The echo scenarios' seeded payloads: byte-identical on replay, different under another seed.
    (Scenarios whose sends and receives overlap in time are left out: which of them fill the transcript's
    byte budget first depends on timing, not on the seed.)"""
    scen = [str(ROOT / "conformance" / "scenarios" / "test_echo_server.py")]
    k = ["-k", "udp_sizes or survives_resets", "--server", "echo=ref"]
    first = run(tmp_path, "first", "--seed", "31337", *k, files=scen)
    again = run(tmp_path, "again", "--seed", "31337", *k, files=scen)
    other = run(tmp_path, "other", "--seed", "7", *k, files=scen)
    a, b, c = choices(first), choices(again), choices(other)
    assert len(a) == 2 and all(v.strip("|") for v in a.values()) and a == b
    assert all(a[key] != c[key] for key in a)


def test_the_seed_is_random_when_not_given_and_printed(tmp_path):
    scen = [str(ROOT / "conformance" / "scenarios" / "test_echo_server.py")]
    data = run(tmp_path, "r", "-k", "no_banner", "--server", "echo/tcp=ref", files=scen)
    assert f"--seed {data['seed']}" in data["_stdout"]


def test_loss_patterns_are_a_function_of_the_seed():
    plan = Impairment(seed=5, drop=0.5, duplicate=0.3, reorder=0.2)
    same = Impairment(seed=5, drop=0.5, duplicate=0.3, reorder=0.2)
    other = Impairment(seed=6, drop=0.5, duplicate=0.3, reorder=0.2)
    fates = [plan.decide("up", i) for i in range(64)]
    assert fates == [same.decide("up", i) for i in range(64)]
    assert fates != [other.decide("up", i) for i in range(64)]
