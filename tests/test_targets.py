"""Target specs (docs/design.md §3): what users type after --server/--client, and the one-line errors they get."""

import pytest

from conformance.errors import TargetSpecError
from netconformance_fixtures.targets import expand, parse_spec


def test_ref_spec_offers_every_transport_of_the_protocol():
    spec = parse_spec("server", "echo=ref")
    assert (spec.kind, spec.transports, spec.name) == ("ref", ("tcp", "udp"), "ref")


def test_transport_qualifier_restricts_the_target():
    assert parse_spec("server", "echo/udp=ref").transports == ("udp",)


def test_command_spec_with_name_and_commas_inside_the_command():
    spec = parse_spec("server", "echo/tcp=name=socat,cmd:socat TCP-LISTEN:{port},fork,reuseaddr EXEC:cat")
    assert spec.name == "socat" and spec.template.startswith("socat TCP-LISTEN")


def test_default_name_of_a_python_script_is_the_script():
    assert parse_spec("server", "echo=cmd:{python} tests/broken/echo_server.py --port {port}").name == "echo_server"


def test_address_spec():
    spec = parse_spec("server", "time=tcp://127.0.0.1:3737")
    assert (spec.kind, spec.host, spec.port, spec.transports) == ("address", "127.0.0.1", 3737, ("tcp",))


def test_client_command_without_transport_placeholder_speaks_tcp():
    assert parse_spec("client", "echo=cmd:nc {host} {port}").transports == ("tcp",)
    assert parse_spec("client", "echo=cmd:my-client {transport} {host} {port}").transports == ("tcp", "udp")


@pytest.mark.parametrize("text,fragment", [
    ("echo", "expected PROTO[/TRANSPORT]=SPEC"),
    ("ftp=ref", "unknown protocol 'ftp'"),
    ("http/udp=ref", "http has no transport 'udp'"),
    ("echo=cmd:", "empty command"),
    ("echo=cmd:socat -", "put {port} in it"),
    ("echo=cmd:srv {prot}", "unknown placeholder {prot}"),
    ("echo=cmd:srv 'unclosed {port}", "cannot split"),
    ("echo=gopher://x:70", "unknown target spec"),
    ("echo/udp=tcp://127.0.0.1:7", "given a tcp:// address"),
    ("echo=tcp://127.0.0.1:99999", "out of range"),
])
def test_bad_server_specs_say_what_is_wrong_in_one_line(text, fragment):
    with pytest.raises(TargetSpecError) as err:
        parse_spec("server", text)
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_client_cannot_be_an_address():
    with pytest.raises(TargetSpecError, match="must be 'ref' or 'cmd:TEMPLATE'"):
        parse_spec("client", "echo=tcp://127.0.0.1:7")


def test_to_placeholder_repeats_per_recipient():
    argv = expand("send --from={from} --to={to} {port}", {"from": "a@x", "port": 25}, ["b@x", "c@x"])
    assert argv == ["send", "--from=a@x", "--to=b@x", "--to=c@x", "25"]
