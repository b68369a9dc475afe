"""Daytime server (RFC 867) in the socketserver idiom, TCP and UDP on one port, threads.  It sends the
RFC's own example format ("Tuesday, February 22, 1982 17:37:43-PST"), in UTC.

    python daytime_server_socketserver.py PORT

After the string it shuts down its sending side and reads whatever the client sent until the client
closes (RFC 867: "any data received is thrown away"), so a close never meets unread input.
"""

import socket
import socketserver
import sys
import threading
import time


def daytime() -> bytes:
    return time.strftime("%A, %B %d, %Y %H:%M:%S-UTC\r\n", time.gmtime()).encode("ascii")


class DaytimeStream(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(5)
        try:
            conn.sendall(daytime())
            conn.shutdown(socket.SHUT_WR)
            while conn.recv(65536):  # thrown away
                pass
        except OSError:
            pass


class DaytimeDatagram(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        _, sock = self.request
        try:
            sock.sendto(daytime(), self.client_address)
        except OSError:
            pass


class TCPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class UDPServer(socketserver.UDPServer):
    allow_reuse_address = True
    max_packet_size = 65535


def main() -> None:
    port = int(sys.argv[1])
    udp = UDPServer(("127.0.0.1", port), DaytimeDatagram)
    threading.Thread(target=udp.serve_forever, daemon=True).start()
    TCPServer(("127.0.0.1", port), DaytimeStream).serve_forever()


if __name__ == "__main__":
    main()
