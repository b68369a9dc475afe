"""Time server (RFC 868) in the socketserver idiom: ThreadingTCPServer and UDPServer on one port.

    python time_server_socketserver.py PORT
"""

import socket
import socketserver
import struct
import sys
import threading
import time

OFFSET_1900 = 2_208_988_800  # seconds from 1900-01-01 to 1970-01-01 (RFC 868)


def now_octets() -> bytes:
    # unsigned 32 bits, most significant octet first; past 2036 the count wraps modulo 2**32
    return struct.pack("!I", (int(time.time()) + OFFSET_1900) % 2**32)


class TimeStream(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(5)
        try:
            conn.sendall(now_octets())
            conn.shutdown(socket.SHUT_WR)
            while conn.recv(4096):  # a client should send nothing; if it does, read it so the close stays clean
                pass
        except OSError:
            pass


class TimeDatagram(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        _, sock = self.request
        try:
            sock.sendto(now_octets(), self.client_address)
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
    udp = UDPServer(("127.0.0.1", port), TimeDatagram)
    threading.Thread(target=udp.serve_forever, daemon=True).start()
    TCPServer(("127.0.0.1", port), TimeStream).serve_forever()


if __name__ == "__main__":
    main()
