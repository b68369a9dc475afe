"""Self-tests of the HTTP scenarios: the references pass everything, and every broken implementation in
``tests/broken/http_*.py`` fails the scenario meant to catch it (launched through ``cmd:`` exactly as a
user's implementation would be).

Each broken run selects only its intended scenarios (``-k``), so the file stays fast; the full matrix of
what each broken program fails is in ``docs/verdicts-http.md``.
"""

from __future__ import annotations

import importlib

import pytest

from conformance.registry import REGISTRY
from tests.harness import BROKEN, describe, failed, graded, outcomes, run_scenarios, selector

importlib.import_module("conformance.scenarios.test_http_server")
importlib.import_module("conformance.scenarios.test_http_client")

SERVER_FILE = "test_http_server.py"
CLIENT_FILE = "test_http_client.py"

BROKEN_SERVERS = {
    "http_head_body.py": {"http-server-head-no-body"},
    "http_single_recv.py": {"http-server-request-trickled", "http-server-request-split-crlf",
                            "http-server-waits-for-empty-line"},
    "http_wrong_length.py": {"http-server-get-files-exact"},
    "http_no_400.py": {"http-server-malformed-request-400", "http-server-binary-garbage"},
    "http_traversal.py": {"http-server-traversal"},
}

#: tests/broken/http_flawed.py --flaw NAME -> the scenarios that must fail
FLAWS = {
    "single-recv": {"http-server-request-trickled", "http-server-request-split-crlf"},
    "strict-crlf": {"http-server-tolerant-request-line"},
    "simple-waits": {"http-server-simple-request-no-wait"},
    "simple-other-methods-hang": {"http-server-simple-request-other-methods"},
    "simple-as-full": {"http-server-simple-request"},
    "casefold-method": {"http-server-method-case-sensitive"},
    "no-percent-decode": {"http-server-percent-decoding"},
    "case-sensitive-headers": {"http-server-header-names-case-insensitive"},
    "no-folding": {"http-server-header-folding"},
    "reject-unknown-headers": {"http-server-header-syntax-variants"},
    "reject-empty-value": {"http-server-header-syntax-variants"},
    "no-limits": {"http-server-oversized-request"},
    "require-host": {"http-server-no-host-required"},
    "reject-http11": {"http-server-http11-request"},
    "string-version": {"http-server-version-numbers"},
    "echo-version": {"http-server-major-version-above-1"},
    "bad-version-as-09": {"http-server-bad-version-400"},
    "post-no-length": {"http-server-post-without-length"},
    "post-single-recv": {"http-server-post-echo-segmented"},
    "405": {"http-server-unknown-method-501"},
    "serve-hidden": {"http-server-internal-files"},
    "conditional-head": {"http-server-head-not-conditional"},
    "no-ims": {"http-server-conditional-get"},
    "ims-naive": {"http-server-ims-invalid-or-future"},
    "ims-rfc1123-only": {"http-server-ims-date-forms"},
    "ims-on-errors": {"http-server-ims-on-missing", "http-server-ims-older-date"},
    "traversal-encoded": {"http-server-traversal"},
    "http11-status": {"http-server-status-line"},
    "lf-only": {"http-server-header-line-ends"},
    "empty-error-body": {"http-server-error-bodies"},
    "error-no-length": {"http-server-error-bodies"},
    "no-date": {"http-server-date-present"},
    "bad-date": {"http-server-date-format"},
    "no-content-type": {"http-server-content-type"},
    "future-last-modified": {"http-server-last-modified-not-future"},
    "head-body": {"http-server-head-no-body"},
    "head-cl-zero": {"http-server-head-matches-get"},
    "304-with-body": {"http-server-conditional-get"},
    "relative-location": {"http-server-redirect-location"},
    "wrong-length": {"http-server-get-files-exact"},
    "keep-open": {"http-server-closes-after-response"},
    "echo-keepalive": {"http-server-keepalive-ignored"},
    "keepalive-400-open": {"http-server-keepalive-ignored"},
    "no-drain": {"http-server-unread-input-no-reset"},
    "serial": {"http-server-idle-client-no-block", "http-server-slowloris"},
    "die-on-reset": {"http-server-resets-survived"},
    "abort-on-half-close": {"http-server-half-close"},
}

BROKEN_CLIENTS = {
    "http_client_ignores_length.py": {"http-client-truncated-body", "http-client-no-body-statuses",
                                      "http-client-length-known-no-close", "http-client-header-parsing",
                                      "http-client-close-mid-head"},
    "http_client_hangs.py": {"http-client-stalled-server", "http-client-stalled-mid-body", "http-client-never-accepted"},
    "http_client_single_recv.py": {"http-client-fragmented-response", "http-client-trickled-response",
                                   "http-client-close-delimited-body", "http-client-paused-server",
                                   "http-client-reset-mid-body"},
    "http_client_bad_request.py": {"http-client-request-form", "http-client-empty-path", "http-client-user-agent",
                                   "http-client-no-date-on-get", "http-client-redirect",
                                   "http-client-redirect-loop-bounded"},
    "http_client_strict.py": {"http-client-simple-response", "http-client-http11-status-line",
                              "http-client-unknown-status-codes", "http-client-tolerant-status-line",
                              "http-client-odd-dates"},
    "http_client_text_mode.py": {"http-client-text-line-breaks"},
    "http_client_simple_absolute.py": {"http-client-request-form"},
    "http_client_known_codes.py": {"http-client-unknown-status-codes"},
    "http_client_exit_zero.py": {"http-client-unknown-status-codes"},
}


#: intended detections that are only warnings: the bug breaks a SHOULD or de-facto requirement (or is the
#: reaction to a peer's off-protocol behaviour), so the scenario fails it at ``warning`` grade.  Every
#: other intended detection must be ``fail``-graded: the bug breaks a MUST the requirement's source quotes.
WARNING_ONLY = {
    "http_no_400.py": {"http-server-malformed-request-400", "http-server-binary-garbage"},
    "strict-crlf": {"http-server-tolerant-request-line"},
    "simple-other-methods-hang": {"http-server-simple-request-other-methods"},
    "reject-unknown-headers": {"http-server-header-syntax-variants"},
    "no-limits": {"http-server-oversized-request"},
    "string-version": {"http-server-version-numbers"},
    "echo-version": {"http-server-major-version-above-1"},
    "bad-version-as-09": {"http-server-bad-version-400"},
    "post-no-length": {"http-server-post-without-length"},
    "405": {"http-server-unknown-method-501"},
    "serve-hidden": {"http-server-internal-files"},          # local policy (HTTP10-SEC-2)
    "conditional-head": {"http-server-head-not-conditional"},
    "ims-rfc1123-only": {"http-server-ims-date-forms"},
    "no-date": {"http-server-date-present"},
    "no-content-type": {"http-server-content-type"},
    "head-cl-zero": {"http-server-head-matches-get"},
    "echo-keepalive": {"http-server-keepalive-ignored"},
    "no-drain": {"http-server-unread-input-no-reset"},
    "serial": {"http-server-idle-client-no-block", "http-server-slowloris"},
    "die-on-reset": {"http-server-resets-survived"},
    "abort-on-half-close": {"http-server-half-close"},
    # a client that reads to the close instead of trusting Content-Length follows RFC 1945 §7.2.2's own advice
    "http_client_ignores_length.py": BROKEN_CLIENTS["http_client_ignores_length.py"],
    "http_client_hangs.py": BROKEN_CLIENTS["http_client_hangs.py"],   # NET-TCP-8 is de-facto
    "http_client_single_recv.py": {"http-client-reset-mid-body", "http-client-paused-server"},
    "http_client_bad_request.py": {"http-client-user-agent", "http-client-no-date-on-get", "http-client-redirect",
                                   "http-client-redirect-loop-bounded"},
    "http_client_strict.py": {"http-client-simple-response", "http-client-http11-status-line",
                              "http-client-tolerant-status-line", "http-client-odd-dates"},
    "http_client_text_mode.py": {"http-client-text-line-breaks"},  # rewrites line breaks it accepts (TEXT-2)
    # exit 0 after an error status is the suite's contract (de-facto), not RFC 1945's
    "http_client_exit_zero.py": {"http-client-unknown-status-codes"},
}


#: the requirement a program's failure of a scenario must name.  Mostly programs that break a weaker check
#: and, independently, a MUST of the same scenario: the failure names the MUST (a weaker check evaluated
#: first would end the scenario and hide it).  reject-unknown-headers is the converse: one root cause (it
#: refuses the REQ-9 request's extension headers by name too), so its REQ-8 check must stay first.
GRADED_BY = {
    "reject-unknown-headers": {"http-server-header-syntax-variants": "HTTP10-REQ-8"},
    "traversal-encoded": {"http-server-traversal": "HTTP10-SEC-1"},     # 500 for '/../' first, then a leak
    "error-no-length": {"http-server-error-bodies": "HTTP10-LEN-5"},    # the 404's empty body first
    "keepalive-400-open": {"http-server-keepalive-ignored": "HTTP10-CONN-1"},   # the status first
    "http_client_simple_absolute.py": {"http-client-request-form": "HTTP10-CLIENT-2"},   # the 0.9 request first
    # the 404 reported, the 431 not: the class misread (MUST); the 404 not reported: the contract (de-facto)
    "http_client_known_codes.py": {"http-client-unknown-status-codes": "HTTP10-STATUS-4"},
    "http_client_exit_zero.py": {"http-client-unknown-status-codes": "HTTP10-CLIENT-7"},
}


def assert_caught(name: str, expected: set[str], res: dict) -> None:
    """Every intended scenario failed, at ``fail`` grade unless WARNING_ONLY lists it, on the requirement
    GRADED_BY names."""
    detail = describe(res, ("failed", "error", "passed", "not-applicable"))
    assert expected <= failed(res), detail
    assert expected - WARNING_ONLY.get(name, set()) <= graded(res, "fail"), detail
    for scen, requirement in GRADED_BY.get(name, {}).items():
        named = {rid for r in res["results"] if r["scenario"] == scen and r["outcome"] == "failed"
                 for rid in r["failed_requirements"]}
        assert requirement in named, f"{scen} failed {sorted(named)}, not {requirement}\n" + detail


def http_ids(role: str) -> set[str]:
    """The HTTP scenarios of the two HTTP modules (the raw-packets tier's HTTP scenarios have their own
    self-tests in tests/raw)."""
    return {s.id for s in REGISTRY.values() if s.protocol == "http" and s.role == role and s.category != "raw-packets"}


def test_every_scenario_is_caught_by_some_broken_implementation():
    server_caught = set().union(*BROKEN_SERVERS.values(), *FLAWS.values())
    client_caught = set().union(*BROKEN_CLIENTS.values())
    assert http_ids("server") - server_caught == set()
    assert http_ids("client") - client_caught == set()


def test_references_pass_everything():
    res = run_scenarios(["--protocol", "http", "-n", "2"], files=[SERVER_FILE, CLIENT_FILE])
    oc = outcomes(res)
    assert set(oc) == http_ids("server") | http_ids("client")
    assert all(o == {"passed"} for o in oc.values()), describe(res)


@pytest.mark.parametrize("program,expected", sorted(BROKEN_SERVERS.items()))
def test_broken_server_fails_intended(program, expected):
    spec = f"http=cmd:{{python}} -I -S {BROKEN / program} --port {{port}} --root {{root}}"
    res = run_scenarios(["--server", spec, "--protocol", "http", *selector(expected)], files=[SERVER_FILE])
    assert_caught(program, expected, res)


@pytest.mark.parametrize("flaw,expected", sorted(FLAWS.items()))
def test_flawed_server_fails_intended(flaw, expected):
    spec = f"http=cmd:{{python}} -I -S {BROKEN / 'http_flawed.py'} --port {{port}} --root {{root}} --flaw {flaw}"
    res = run_scenarios(["--server", spec, "--protocol", "http", *selector(expected)], files=[SERVER_FILE])
    assert_caught(flaw, expected, res)


@pytest.mark.parametrize("program,expected", sorted(BROKEN_CLIENTS.items()))
def test_broken_client_fails_intended(program, expected):
    spec = f"http=cmd:{{python}} -I -S {BROKEN / program} {{url}}"
    res = run_scenarios(["--client", spec, "--protocol", "http", *selector(expected)], files=[CLIENT_FILE])
    assert_caught(program, expected, res)
