"""Verdicts on gopher implementations nobody here wrote (recorded in ``docs/verdicts-gopher.md``):
pygopherd and gophernicus (Debian packages) as servers, launched by ``tests/real/pygopherd_launch.py`` and
``tests/gopher/inetd_launch.py``, curl and lynx as clients.  Each verdict is the exact set of scenarios the
implementation fails, with the grade of each; everything else applicable must pass.  Run at the default T
(0.5 s), as the document says."""

from __future__ import annotations

import os
import shutil

import pytest
from harness import BARE_PYTHON, ROOT, describe, failed, graded, run_verdict, with_outcome

# the launchers use the standard library only (and exec the real server): started without site
LAUNCH = f"{BARE_PYTHON} {ROOT / 'tests' / 'real' / 'pygopherd_launch.py'} --root {{root}} --port {{port}}"
INETD = f"{BARE_PYTHON} {ROOT / 'tests' / 'gopher' / 'inetd_launch.py'} --port {{port}} --"
#: lynx -source renders menus as HTML, not as the DESIGN §5 output: the scenarios judged by a menu's
#: printed form are not run against it (its requests for them are judged by the others)
LYNX_MENU_OUTPUT = ("test_menu", "test_split_at_boundaries", "test_paused_server", "test_item_at_advertised_port",
                    "test_search_request")

CASES = {
    # no lastline anywhere, text sent raw (no dot-stuffing, no CRLF), file names with TAB/CR/LF break menu lines,
    # unbounded request line, NUL -> silent close, closes with unread input (RST)
    "pygopherd": ("/usr/sbin/pygopherd", ["--server", f"gopher=name=pygopherd,cmd:{LAUNCH}"], "test_gopher_server.py", {
        "gopher-server-menu-lastline", "gopher-server-text-item", "gopher-server-text-item-dot-stuffing",
        "gopher-server-text-crlf", "gopher-server-error-item", "gopher-server-oversize-request",
        "gopher-server-selector-with-nul", "gopher-server-menu-odd-names", "gopher-server-unread-input"}, {"gopher-server-search-menu", "gopher-server-search-no-hits"}),
    # reads until the close (no lastline rule), no default timeout, exit 0 on error items, sends any selector
    "curl": ("curl", ["--client", "gopher=name=curl,cmd:curl -s {url}"], "test_gopher_client.py", {
        "gopher-client-lastline-then-held-open", "gopher-client-empty-response", "gopher-client-error-item",
        "gopher-client-never-accepted", "gopher-client-stall-mid-item", "gopher-client-stalled-server",
        "gopher-client-url-link", "gopher-client-telnet-item"}, set()),
    # text without lastline or dot-stuffing (ENABLE_STRICT_RFC1436 is off in its build), raw CR in display
    # strings, plain-text errors, NUL ends the selector (C string), 1800 s session timeout, no drain
    "gophernicus": ("/usr/sbin/gophernicus", ["--server", "gopher=name=gophernicus,cmd:" + INETD +
                                              " gophernicus -h 127.0.0.1 -p {port} -r {root} -nr -ns"],
                    "test_gopher_server.py", {
        "gopher-server-text-item", "gopher-server-text-item-dot-stuffing", "gopher-server-menu-odd-names",
        "gopher-server-error-item", "gopher-server-oversize-request", "gopher-server-selector-with-cr",
        "gopher-server-selector-with-nul", "gopher-server-request-timeout", "gopher-server-unread-input"},
        {"gopher-server-search-menu", "gopher-server-search-no-hits"}),
    # waits for the close after the lastline, exit 0 on error items, empty responses and resets, sends any selector
    "lynx": ("lynx", ["--client", "gopher=name=lynx,cmd:lynx -source -connect_timeout=5 -read_timeout=5 {url}",
                      "-k", " and ".join(f"not {name}" for name in LYNX_MENU_OUTPUT)],
             "test_gopher_client.py", {
        "gopher-client-lastline-then-held-open", "gopher-client-empty-response", "gopher-client-error-item",
        "gopher-client-reset-mid-binary", "gopher-client-url-link", "gopher-client-telnet-item"}, set()),
}

#: the failures graded ``fail`` (a MUST broken); every other expected failure is a warning or info
MUST_FAILURES = {
    "pygopherd": {"gopher-server-menu-lastline", "gopher-server-text-item", "gopher-server-text-item-dot-stuffing",
                  "gopher-server-menu-odd-names"},
    "curl": set(),
    "gophernicus": {"gopher-server-text-item", "gopher-server-text-item-dot-stuffing", "gopher-server-menu-odd-names"},
    "lynx": set(),
}
CLIENT_TIMEOUT = {"lynx": "12"}


@pytest.mark.long
@pytest.mark.parametrize("case", list(CASES))
def test_verdict(case):
    tool, args, module, expected_failures, not_applicable = CASES[case]
    if not (os.path.exists(tool) or shutil.which(tool)):
        pytest.skip(f"{tool} is not installed (.ci/run installs it)")
    # a harness error (pygopherd binds the {port} the suite chose; on a busy machine another process can
    # take it first) or a verdict on the edge of a timer runs once more inside run_verdict
    report = run_verdict([*args, "--client-timeout", CLIENT_TIMEOUT.get(case, "6"), "--conformance-timeout", "0.5"],
                         expected_failures, files=[module])
    details = describe(report) + f"\nrun twice: {report['_rerun']}\n{report['_first']}"
    got = failed(report)
    assert not with_outcome(report, "error"), details
    assert got == expected_failures, f"unexpected: {sorted(got - expected_failures)}, " \
                                     f"no longer failing: {sorted(expected_failures - got)}\n{details}"
    assert with_outcome(report, "not-applicable") == not_applicable
    assert graded(report, "fail") == MUST_FAILURES[case], details
