"""The grading manifest: a TOML file listing submissions and how to weigh them.

Keys of ``[grade]`` (all optional):

=====================  =========  ==================================================================
key                    default    meaning
=====================  =========  ==================================================================
``parallel``           2          submissions graded at once (``-n`` overrides)
``time_limit``         300        wall seconds a submission's whole run may take; then it is killed
``seed``               random     seed of every random choice (same for every submission)
``strict``             false      a failed SHOULD/de-facto requirement scores like a MUST
``warning_credit``     0.5        share of a scenario's points kept when only SHOULD/de-facto failed
``points``             100        maximum score of a submission
``conformance_timeout`` 0.5       base wait T in seconds (``--conformance-timeout``)
``client_timeout``     10         seconds a client submission gets per exchange
``startup_timeout``    10         seconds a server submission gets to listen
``max_processes``      512        processes and threads of one submission's run (fork bombs stop here)
``max_memory_mb``      4096       address space of each process of the run (MiB; 0 = no limit)
``output``             "grades"   output directory (relative to the manifest; ``-o`` overrides)
``workdir``            "."        working directory of the commands (relative to the manifest)
``pytest_args``        []         extra arguments for each run (e.g. ``["-k", "not concurrent"]``)
``raw_packets``        false      also run the raw-packets tier (``test_raw_packets.py``; needs privileges)
``hidden``             []         Gradescope: tests of these categories or scenario-id globs are hidden
``isolate``            true       jail each command (namespaces, unprivileged user) when the machine can
=====================  =========  ==================================================================

``[grade.weights]``: points of one scenario run by category (``protocol``, ``partial-reads``, ...,
``security``); ``default`` (1) for the others; 0 leaves a category out of the score.

``[[submission]]``: ``name`` (unique; letters, digits, ``_.+-``), ``protocol``, ``role`` (``server`` or
``client``), ``command`` (a ``cmd:`` template: ``{port}``, ``{host}``, ``{python}``, ... as for
``--server``/``--client``), optional ``transport`` (only this one of the protocol's transports) and
``time_limit`` (this submission's own wall time limit) and ``directory`` (its files, relative to the
manifest; default ``NAME/`` when that exists): the only part of the manifest's directory its jailed
command can read (:mod:`conformance.grade.confine`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from conformance.errors import TargetSpecError
from conformance.protocols import CATEGORIES, PROTOCOLS, ROLES
from netconformance_fixtures.targets import parse_spec

NAME_RE = re.compile(r"^[A-Za-z0-9_.+-]+$")


class ManifestError(ValueError):
    """The manifest cannot be read or is invalid; the message says where."""


@dataclass(frozen=True)
class Submission:
    name: str
    protocol: str
    role: str
    command: str
    transport: str | None = None
    time_limit: float | None = None  # overrides [grade] time_limit
    directory: Path | None = None  # its own files (absolute once parsed), the only ones of the class it sees

    def spec(self) -> str:
        """The ``--server``/``--client`` value that runs this submission."""
        qualifier = f"/{self.transport}" if self.transport else ""
        return f"{self.protocol}{qualifier}=name={self.name},cmd:{self.command}"

    @property
    def transports(self) -> tuple[str, ...]:
        return (self.transport,) if self.transport else PROTOCOLS[self.protocol].transports


@dataclass
class Manifest:
    path: Path
    submissions: list[Submission]
    weights: dict[str, float] = field(default_factory=dict)
    default_weight: float = 1.0
    parallel: int = 2
    time_limit: float = 300.0
    seed: int | None = None
    strict: bool = False
    warning_credit: float = 0.5
    points: float = 100.0
    conformance_timeout: float = 0.5
    client_timeout: float = 10.0
    startup_timeout: float = 10.0
    max_processes: int = 512
    max_memory_mb: int = 4096
    output: Path = Path("grades")
    workdir: Path = Path(".")
    pytest_args: list[str] = field(default_factory=list)
    raw_packets: bool = False
    hidden: list[str] = field(default_factory=list)
    isolate: bool = True

    def weight(self, category: str) -> float:
        return self.weights.get(category, self.default_weight)


_NUMBERS = {"time_limit": (float, 1), "warning_credit": (float, 0), "points": (float, 0),
            "conformance_timeout": (float, 0.01), "client_timeout": (float, 0.1), "startup_timeout": (float, 0.1),
            "parallel": (int, 1), "max_processes": (int, 16), "max_memory_mb": (int, 0)}


def _number(section: dict, key: str, where: str):
    kind, low = _NUMBERS[key]
    value = section[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not isinstance(value, int)):
        raise ManifestError(f"{where}: {key} must be {'an integer' if kind is int else 'a number'}, not {value!r}")
    if value < low or (key == "warning_credit" and value > 1):
        raise ManifestError(f"{where}: {key} = {value} is out of range")
    return kind(value)


def parse(text: str, path: Path) -> Manifest:
    """A :class:`Manifest` from TOML text.  Raises ManifestError naming the offending key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(data) - {"grade", "submission"}
    if unknown:
        raise ManifestError(f"{path}: unknown table {min(unknown)!r} (expected [grade] and [[submission]])")
    g = dict(data.get("grade", {}))
    where = f"{path} [grade]"
    m = Manifest(path=path, submissions=[])
    weights = g.pop("weights", {})
    for key in list(g):
        if key in _NUMBERS:
            setattr(m, key, _number(g, key, where))
        elif key == "seed":
            if not isinstance(g[key], int) or isinstance(g[key], bool):
                raise ManifestError(f"{where}: seed must be an integer")
            m.seed = g[key]
        elif key in ("strict", "raw_packets", "isolate"):
            if not isinstance(g[key], bool):
                raise ManifestError(f"{where}: {key} must be true or false")
            setattr(m, key, g[key])
        elif key in ("output", "workdir"):
            setattr(m, key, Path(str(g[key])))
        elif key in ("pytest_args", "hidden"):
            if not isinstance(g[key], list) or not all(isinstance(a, str) for a in g[key]):
                raise ManifestError(f"{where}: {key} must be a list of strings")
            setattr(m, key, list(g[key]))
        else:
            raise ManifestError(f"{where}: unknown key {key!r}")
    if not isinstance(weights, dict):
        raise ManifestError(f"{where}: weights must be a table")
    for cat, w in weights.items():
        if cat != "default" and cat not in CATEGORIES:
            raise ManifestError(f"{where}.weights: unknown category {cat!r} (known: {', '.join(CATEGORIES)})")
        if isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0:
            raise ManifestError(f"{where}.weights: {cat} must be a number >= 0")
        if cat == "default":
            m.default_weight = float(w)
        else:
            m.weights[cat] = float(w)
    seen: set[str] = set()
    for i, s in enumerate(data.get("submission", []), 1):
        w = f"{path} submission #{i}"
        if not isinstance(s, dict):
            raise ManifestError(f"{w}: must be a table ([[submission]])")
        extra = set(s) - {"name", "protocol", "role", "command", "transport", "time_limit", "directory"}
        if extra:
            raise ManifestError(f"{w}: unknown key {min(extra)!r}")
        for key in ("name", "protocol", "role", "command"):
            if not isinstance(s.get(key), str) or not s[key].strip():
                raise ManifestError(f"{w}: {key} is required (a non-empty string)")
        name = s["name"]
        w = f"{path} submission {name!r}"
        if not NAME_RE.match(name):
            raise ManifestError(f"{w}: the name may only hold letters, digits and _.+-")
        if name in seen:
            raise ManifestError(f"{w}: name used twice")
        seen.add(name)
        if s["protocol"] not in PROTOCOLS:
            raise ManifestError(f"{w}: unknown protocol {s['protocol']!r} (known: {', '.join(PROTOCOLS)})")
        if s["role"] not in ROLES:
            raise ManifestError(f"{w}: role must be server or client")
        transport = s.get("transport")
        if transport is not None and transport not in PROTOCOLS[s["protocol"]].transports:
            raise ManifestError(f"{w}: {s['protocol']} has no transport {transport!r}")
        limit = _number(s, "time_limit", w) if "time_limit" in s else None
        if "directory" in s and not isinstance(s["directory"], str):
            raise ManifestError(f"{w}: directory must be a string (a path relative to the manifest)")
        base = path.resolve().parent
        own = base / s["directory"] if "directory" in s else (base / name if (base / name).is_dir() else None)
        sub = Submission(name, s["protocol"], s["role"], s["command"], transport, limit, own)
        try:
            parse_spec(sub.role, sub.spec())
        except TargetSpecError as exc:
            raise ManifestError(f"{w}: {exc}") from None
        m.submissions.append(sub)
    if not m.submissions:
        raise ManifestError(f"{path}: no [[submission]] listed")
    base = path.resolve().parent
    m.output = base / m.output
    m.workdir = base / m.workdir
    return m


def load(path: Path) -> Manifest:
    """Read and validate the manifest at ``path``.  Raises ManifestError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ManifestError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return parse(text, Path(path))
