"""Informational observations (the ``observe`` fixture): stored in the JSON, shown in the HTML, never a
failure."""

from __future__ import annotations

import json
import textwrap

from test_seed import run

PROBE = textwrap.dedent('''
    from conformance.registry import scenario

    @scenario("daytime-observe-probe", protocol="daytime", role="server", category="protocol",
              requirements=["DAYTIME-FMT-4"], transports=["tcp"])
    def test_observe_probe(server, observe):
        """probe"""
        observe("format: ctime <UTC>")
''')


def test_observations_reach_json_and_html(tmp_path):
    probe = tmp_path / "test_probe_observe.py"
    probe.write_text(PROBE)
    html = tmp_path / "o.html"
    data = run(tmp_path, "o", "--server", "daytime=ref", "--protocol", "daytime", "--conformance-html", str(html),
               files=[str(probe)])
    (result,) = data["results"]
    assert result["outcome"] == "passed" and result["observations"] == ["format: ctime <UTC>"]
    page = html.read_text()
    assert "Observations (informational)" in page and "format: ctime &lt;UTC&gt;" in page
    assert json.dumps(data["status"]) == "0"
