"""Grading mode: run the suite against many submissions and score them.

    python -m conformance grade MANIFEST.toml [-n N] [-o DIR] [--only NAME]...

The manifest (TOML, read with :mod:`tomllib`; see :mod:`conformance.grade.manifest` for every key)::

    [grade]
    parallel = 2            # submissions graded at once (-n overrides)
    time_limit = 300        # wall seconds per submission; then its whole process tree is killed
    seed = 1234             # optional: every submission sees the same random choices
    warning_credit = 0.5    # share of a scenario's points kept when only a SHOULD requirement failed
    points = 100            # a submission's maximum score

    [grade.weights]         # points of one scenario run, by category (default 1)
    protocol = 2
    robustness = 1

    [[submission]]
    name = "alice"
    protocol = "echo"
    role = "server"
    command = "python3 alice/echo_server.py --port {port}"

Each submission runs alone: its own pytest process (serial scenarios) in its own session, process-count
limit (a pids cgroup when the machine allows one, else ``RLIMIT_NPROC``), memory limit, wall time limit
and (as root) loopback-only network namespace, so a submission that hangs, crashes, floods its output or
forks endlessly costs only its own score; its command runs jailed (:mod:`~conformance.grade.confine`:
unprivileged user, own mount and PID namespaces, private /tmp, nothing of the other submissions).

Scores (:mod:`~conformance.grade.score`): not-applicable runs leave the denominator, silent passes earn
nothing, a submission that did not start or answered nothing gets status ``error`` and 0.

Written to the output directory: ``grades.csv`` (one row per submission), ``summary.md`` and
``summary.json`` (the class: requirements and scenarios most failed), ``class.html`` (every score, sortable:
:mod:`~conformance.grade.classpage`), ``class.json``/``class-matrix.html`` (all submissions merged), and per
submission ``NAME/report.json``, ``NAME/report.html``, ``NAME/results.json`` (the Gradescope autograder
format: :mod:`~conformance.grade.outputs`) and ``NAME/pytest.log``.
"""
