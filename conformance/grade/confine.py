"""The jail of a submission's command: an unprivileged user in its own mount, PID, IPC and UTS namespaces
(bubblewrap), with a private ``/tmp``, the file system read-only, and nothing of the class or the grader.

The grading runner puts this module in front of every submission command (the suite fills the
placeholders, launches it, talks to it over loopback and kills it as usual)::

    {python} -I -S .../conformance/grade/confine.py --config JAIL.json --ro {root} --rw {maildir} --rw {workdir} -- COMMAND...

It runs as the grader (root), reads ``JAIL.json`` (written by :func:`write_config`), hands the writable
harness directories to the jail user, then ``exec``\\ s ``bwrap`` which ``exec``\\ s ``setpriv`` which drops to
the jail user and ``exec``\\ s the command.  Inside the jail:

* ``/`` is bound read-only; ``/tmp`` is a fresh tmpfs; ``/proc`` belongs to the new PID namespace (the
  program sees and can signal only its own processes); ``/dev`` is minimal;
* the ``hide`` directories (the manifest's directory with every submission, the output directory, home
  directories) are replaced by empty tmpfs, then the submission's ``own`` directory is bound back
  read-only, and the interpreter's prefix (``sys.prefix``) and the suite's source (for ``{python} -m
  reference_servers...``) read-only when a home directory holds them and they hold no hidden directory;
* the harness directories on the command line are bound back: ``--ro`` read-only, ``--rw`` writable;
* the environment is cleared except ``PATH``, locale, ``TZ``, libfaketime's and the suite's variables;
  ``HOME=/tmp``;
* the network is the grading run's own namespace (loopback only, see :mod:`conformance.grade.jail`).

Exit status 126 when the jail cannot be set up (the reason on stderr).

It runs once for every launch of a submission, so it runs as a file without ``site`` (``-I -S``: the
interpreter's site-packages and an editable install's import hook cost about 50 ms a start) and imports,
at launch, only ``os``, ``sys`` and ``json``; the grader's helpers (:func:`probe`, :func:`write_config`)
import what they need themselves.
"""

from __future__ import annotations

import json
import os
import sys

JAIL_UID = 65534  # nobody
KEEP_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE", "LD_PRELOAD",
            "DONT_FAKE_MONOTONIC", "NETCONFORMANCE_GRADE_MARK")
KEEP_PREFIXES = ("FAKETIME", "NETCONFORMANCE_")


def probe() -> str | None:
    """None when this machine can jail commands, else one line saying why not (no root, no bwrap...)."""
    import shutil
    import subprocess

    if os.getuid() != 0:
        return "not root: submissions run as the grader's user, without namespaces"
    missing = [t for t in ("bwrap", "setpriv") if shutil.which(t) is None]
    if missing:
        return f"{' and '.join(missing)} not installed (apt-get install bubblewrap util-linux): no namespaces"
    try:
        proc = subprocess.run(bwrap_argv({"hide": [], "own": None, "uid": JAIL_UID, "interpreters": []}, [], [], "/")
                              + ["true"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap cannot run here ({exc}): no namespaces"
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        return f"bwrap cannot create namespaces here ({err[-1] if err else proc.returncode}): no namespaces"
    return None


def write_config(path: os.PathLike[str], *, hide: list[os.PathLike[str]], own: os.PathLike[str] | None,
                 uid: int = JAIL_UID) -> None:
    """Write the jail configuration of one submission: directories to hide, its own directory."""
    from pathlib import Path

    suite = str(Path(__file__).resolve().parents[2])  # an editable install's source (the references live there)
    prefixes = sorted({sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable)), suite})
    Path(path).write_text(json.dumps({"hide": [str(p) for p in hide], "own": str(own) if own else None, "uid": uid,
                                "interpreters": prefixes}))


def command_prefix(config: os.PathLike[str]) -> str:
    """The ``cmd:`` template words that jail a command with ``config`` (placeholders left for the suite)."""
    import shlex

    def word(path: object) -> str:
        return shlex.quote(str(path)).replace("{", "{{").replace("}", "}}")

    here = os.path.abspath(__file__)
    return f"{{python}} -I -S {word(here)} --config {word(config)} --ro {{root}} --rw {{maildir}} --rw {{workdir}} --"


def bwrap_argv(cfg: dict, ro: list[str], rw: list[str], cwd: str) -> list[str]:
    """The ``bwrap ... setpriv ...`` words before the command (see the module docstring)."""
    argv = ["bwrap", "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--perms", "1777",
            "--tmpfs", "/tmp"]
    hidden = [h for h in cfg["hide"] if os.path.isdir(h)] + [h for h in ("/root", "/home") if os.path.isdir(h)]
    for h in hidden:
        argv += ["--perms", "0755", "--tmpfs", h]
    fresh = ["/tmp", *hidden]  # tmpfs mounts: the parents of what is bound below them must be made, 0755

    def parents(d: str) -> list[str]:
        """``d``'s parent directories, outermost first (as ``reversed(PurePath(d).parents)``)."""
        up, d = [], os.path.normpath(d)
        while (parent := os.path.dirname(d)) != d:
            up.append(parent)
            d = parent
        return up[::-1]

    def bind(how: str, d: str) -> None:
        for parent in parents(d):
            if any(parent.startswith(f.rstrip("/") + "/") for f in fresh):
                argv.extend(["--perms", "0755", "--dir", parent])
        argv.extend([how, d, d])

    def under(path: str, top: str) -> bool:
        return path == top or path.startswith(top.rstrip("/") + "/")

    for prefix in cfg["interpreters"]:
        # bound back only from a hidden home directory or the fresh /tmp (a virtualenv made there), and never
        # over the class or the output
        if (any(under(prefix, h) for h in fresh) and not any(under(h, prefix) for h in cfg["hide"])
                and os.path.isdir(prefix)):
            bind("--ro-bind", prefix)
    if cfg.get("own") and os.path.isdir(cfg["own"]):
        bind("--ro-bind", cfg["own"])
    for d in ro:
        bind("--ro-bind", d)
    for d in rw:
        bind("--bind", d)
    if os.path.isdir(cwd):
        argv += ["--chdir", cwd]
    argv += ["--clearenv", "--setenv", "HOME", "/tmp"]
    for k, v in os.environ.items():
        if k in KEEP_ENV or k.startswith(KEEP_PREFIXES):
            argv += ["--setenv", k, v]
    uid = str(cfg["uid"])
    return argv + ["--", "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all", "--"]


def _give(path: str, uid: int) -> None:
    """Hand a harness directory (and what it holds) to the jail user, so the program may write there."""
    for root, dirs, files in os.walk(path):
        for name in [root, *(os.path.join(root, n) for n in dirs + files)]:
            try:
                os.lchown(name, uid, uid)
            except OSError:
                pass


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print("confine: usage: --config FILE [--ro DIR] [--rw DIR] -- COMMAND...", file=sys.stderr)
        return 2
    split = argv.index("--")
    opts, command = argv[:split], argv[split + 1:]
    pairs = list(zip(opts[::2], opts[1::2]))
    try:
        with open(dict(pairs)["--config"], encoding="utf-8") as f:
            cfg = json.load(f)
    except (KeyError, OSError, ValueError) as exc:
        print(f"confine: cannot read the jail configuration: {exc}", file=sys.stderr)
        return 126
    ro = [v for k, v in pairs if k == "--ro" and v and os.path.isdir(v)]
    rw = [v for k, v in pairs if k == "--rw" and v and os.path.isdir(v)]
    for d in rw:
        _give(d, int(cfg["uid"]))
    full = bwrap_argv(cfg, ro, rw, os.getcwd()) + command
    try:
        os.execvp(full[0], full)
    except OSError as exc:
        print(f"confine: cannot run bwrap: {exc}", file=sys.stderr)
    return 126


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
