"""The pygopherd launcher writes a configuration for the suite's root and port (no pygopherd needed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

LAUNCHER = Path(__file__).resolve().parents[1] / "real" / "pygopherd_launch.py"


def load():
    spec = importlib.util.spec_from_file_location("pygopherd_launch", LAUNCHER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_config(tmp_path):
    template = tmp_path / "template.conf"
    template.write_text("[pygopherd]\nport = 70\nusechroot = yes\ndetach = yes\npidfile = /var/run/p.pid\n"
                        "servertype = ForkingTCPServer\nroot = /var/gopher\n[logger]\nlogmethod = syslog\n")
    config = load().build_config(str(template), str(tmp_path / "root"), 7070, "127.0.0.1", 5, None)
    p = config["pygopherd"]
    assert (p["port"], p["root"], p["interface"], p["servername"]) == ("7070", str(tmp_path / "root"), "127.0.0.1",
                                                                      "127.0.0.1")
    assert (p["usechroot"], p["detach"], p["servertype"], p["timeout"]) == ("no", "no", "ThreadingTCPServer", "5")
    assert "pidfile" not in p and config["logger"]["logmethod"] == "none"


def test_missing_pygopherd_is_a_usage_error(tmp_path, capsys):
    status = load().main(["--root", str(tmp_path), "--port", "1", "--pygopherd", str(tmp_path / "none")])
    assert status == 2 and "missing" in capsys.readouterr().err
