"""The reports of a pytest run: the JSON and HTML reports written at the end, the terminal matrix.

A pytest plugin of its own (the ``netconformance_reports`` entry point), on the reports floor: it reads the
results the harness collected (:func:`netconformance_fixtures.plugin.run_config`), so the harness never
imports the reports.  It does nothing in a run without results or report options.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netconformance_fixtures.plugin import run_config


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if hasattr(config, "workerinput"):
        return
    json_path, html_path = config.getoption("netconformance_json"), config.getoption("netconformance_html")
    if json_path or html_path:
        from conformance import report

        data = report.build(run_config(config))
        if json_path:
            report.write_json(Path(json_path), data)
        if html_path:
            from conformance import html_report

            html_report.write_html(Path(html_path), data)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    rc = run_config(config)
    if not rc.results:
        return
    from conformance import report

    for line in report.summary_lines(rc):
        terminalreporter.write_line(line)
