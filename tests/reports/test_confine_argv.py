"""The jail's bubblewrap words (conformance/grade/confine.py): an interpreter installed under a hidden or
fresh directory (a home directory, or a virtualenv in /tmp, which the jail replaces by a tmpfs) is bound
back read-only, so a grading run from such a venv can still start its commands; the class and output
directories are never bound back through it."""

from __future__ import annotations

from conformance.grade.confine import bwrap_argv


def _binds(argv: list[str]) -> list[str]:
    return [argv[i + 1] for i, word in enumerate(argv) if word == "--ro-bind"]


def test_a_venv_in_tmp_is_bound_back(tmp_path):
    venv = tmp_path / "venv"
    venv.mkdir()
    cfg = {"hide": [], "own": None, "uid": 65534, "interpreters": [str(venv)]}
    assert str(venv) in _binds(bwrap_argv(cfg, [], [], "/"))


def test_an_interpreter_holding_the_class_is_not_bound_back(tmp_path):
    klass = tmp_path / "venv" / "class"
    klass.mkdir(parents=True)
    cfg = {"hide": [str(klass)], "own": None, "uid": 65534, "interpreters": [str(tmp_path / "venv")]}
    assert str(tmp_path / "venv") not in _binds(bwrap_argv(cfg, [], [], "/"))
