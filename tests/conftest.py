"""Self-tests: make ``tests/harness.py`` importable as ``harness``; give the interpreters they start bytecode.

The self-tests start a few thousand interpreters (scenario runs and their workers, reference servers,
fork servers).  Where ``PYTHONDONTWRITEBYTECODE`` is set (as on this project's CI machines), none of them
writes a ``.pyc``, so every one compiled the project's modules from source again: measured on
``tests/smtp/test_smtp_selftest.py`` at ``-n 4``, 85.5 s of CPU without the project's bytecode, 60-69 s
with it.  So the controlling process compiles the project's own packages once, into their
``__pycache__`` directories (what any run without that variable would leave there; the checkout ignores
them), and every interpreter started later reads them: Python reads bytecode whatever the variable says.
The standard library and installed packages already have theirs.
"""

import compileall
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: the checkout's packages whose modules the started interpreters import
PACKAGES = ("conformance", "fixtures", "reference_servers", "tests")

sys.path.insert(0, str(HERE))


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "long: takes half a minute or more (a class graded, a campaign of programs "
                            "run through every scenario); started before the rest")
    if hasattr(config, "workerinput") or not sys.dont_write_bytecode:
        return  # an xdist worker (the controller did it), or every interpreter writes its own
    for package in PACKAGES:
        # quiet=2: nothing printed; a source whose bytecode is current is only stat()ed
        compileall.compile_dir(ROOT / package, quiet=2, workers=1)


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked ``long`` first on every worker: dealt round-robin to the heads of the parts of the
    collection that pytest-xdist's ``worksteal`` scheduler hands the workers at the start (contiguous, about
    N/workers each), each part then filled in pytest-randomly's order (stable: its shuffle stays
    reproducible from the seed).  So the long tests start at once, spread over the workers, instead of one
    of them starting near the end and running alone (at -n 4 test_grade_a_class, two minutes, once
    started nine minutes into a ten-minute run); stealing then evens out the rest.  Without xdist: long
    tests first."""
    long = [item for item in items if item.get_closest_marker("long")]
    rest = [item for item in items if not item.get_closest_marker("long")]
    workers = max(1, int(getattr(config, "workerinput", {}).get("workercount", 1)))
    heads: list[list] = [long[w::workers] for w in range(workers)]
    ordered, left = [], len(items)
    for w, head in enumerate(heads):
        size = left // (workers - w)  # the part WorkStealingScheduling sends to the w-th worker
        fill = max(0, size - len(head))
        ordered += head + rest[:fill]
        rest = rest[fill:]
        left -= len(head) + fill
    items[:] = ordered + rest
