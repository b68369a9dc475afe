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
limit (a pids cgroup when the machine allows one, else ``RLIMIT_NPROC``), memory limit and wall time
limit, so a submission that hangs, crashes, floods its output or forks endlessly costs only its own score.

Written to the output directory: ``grades.csv`` (one row per submission), ``summary.md`` and
``summary.json`` (the class: requirements and scenarios most failed), ``class.json``/``class.html`` (all
submissions merged), and per submission ``NAME/report.json``, ``NAME/report.html``, ``NAME/results.json``
(the Gradescope autograder format) and ``NAME/pytest.log``.
"""
