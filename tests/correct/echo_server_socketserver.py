"""Echo server (RFC 862) in the socketserver idiom: a ThreadingTCPServer and a ThreadingUDPServer on the
same port, one thread per connection and per datagram.

    python echo_server_socketserver.py PORT
"""

import socket
import socketserver
import sys
import threading


class EchoStream(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        conn: socket.socket = self.request
        while True:
            try:
                data = conn.recv(65536)
            except OSError:  # a reset ends this session only
                return
            if not data:  # the client is done sending: everything received has been sent back
                return
            try:
                conn.sendall(data)
            except OSError:
                return


class EchoDatagram(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data, sock = self.request
        try:
            sock.sendto(data, self.client_address)
        except OSError:
            pass


class TCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class UDPServer(socketserver.ThreadingUDPServer):
    allow_reuse_address = True
    daemon_threads = True
    max_packet_size = 65535  # the default (8192) would cut large datagrams


def main() -> None:
    port = int(sys.argv[1])
    tcp = TCPServer(("127.0.0.1", port), EchoStream)
    udp = UDPServer(("127.0.0.1", port), EchoDatagram)
    threading.Thread(target=udp.serve_forever, daemon=True).start()
    tcp.serve_forever()


if __name__ == "__main__":
    main()
