"""A user's own project, as it would use netconformance: its reference servers and faulty peers as pytest
fixtures (the ``pytest11`` entry point loads them; nothing here imports the suite's internals).

`.ci/run` copies this file into an empty directory and runs it with the installed wheel; the suite's own
run collects it too."""

import smtplib
import socket
import urllib.request


def echo_once(address, data: bytes, timeout: float = 5.0) -> bytes:
    """The user's 'client under test': send, half-close, read to EOF."""
    with socket.create_connection(address, timeout=timeout) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := s.recv(4096):
            chunks.append(chunk)
    return b"".join(chunks)


def test_echo_over_tcp_and_udp(nc_echo_server):
    assert echo_once(nc_echo_server.address("tcp"), b"hello\r\n") == b"hello\r\n"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.settimeout(5)
        u.sendto(b"ping", nc_echo_server.address("udp"))
        assert u.recvfrom(2048)[0] == b"ping"


def test_time_server_answers_four_octets(nc_time_server):
    with socket.create_connection(nc_time_server.address(), timeout=5) as s:
        data = b""
        while chunk := s.recv(16):
            data += chunk
    assert len(data) == 4


def test_http_server_over_a_document_root(nc_http_server):
    (nc_http_server.root / "hello.txt").write_text("hi there\n")
    with urllib.request.urlopen(nc_http_server.url("/hello.txt"), timeout=5) as reply:
        assert reply.status == 200 and reply.read() == b"hi there\n"


def test_smtp_server_keeps_what_it_accepted(nc_smtp_server):
    with smtplib.SMTP(nc_smtp_server.host, nc_smtp_server.port, timeout=5) as smtp:
        smtp.sendmail("me@example.org", ["you@example.test"],
                      b"From: me@example.org\r\nSubject: hello\r\n\r\nbody\r\n")
    (message,) = nc_smtp_server.messages()
    assert message["Subject"] == "hello" and message.get_content().strip() == "body"
    assert nc_smtp_server.envelopes() == [("me@example.org", ["you@example.test"])]


def test_client_copes_with_a_fragmented_reply(nc_faulty_server):
    address = nc_faulty_server("echo", fragment=1, gap=0.002)
    assert echo_once(address, b"fragmented\r\n") == b"fragmented\r\n"


def test_client_sees_a_reset(nc_faulty_server):
    address = nc_faulty_server("echo", reset_after=3)
    try:
        got = echo_once(address, b"0123456789")
    except ConnectionResetError:
        return
    assert got != b"0123456789", "a reset after 3 bytes cannot deliver the whole echo"


def test_udp_client_retries_a_lost_datagram(nc_faulty_server):
    address = nc_faulty_server("echo", transport="udp", drop_first=1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.settimeout(0.3)
        for _attempt in range(5):
            u.sendto(b"again", address)
            try:
                assert u.recvfrom(2048)[0] == b"again"
                break
            except TimeoutError:
                continue
        else:
            raise AssertionError("no echo after 5 attempts although only the first datagram was dropped")
