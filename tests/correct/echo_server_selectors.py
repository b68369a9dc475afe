"""Echo server (RFC 862) as one single-threaded selectors loop: nonblocking TCP connections with
per-connection output buffers, plus the UDP socket, all in one loop.

    python echo_server_selectors.py --port PORT
"""

import argparse
import selectors
import socket


class Conn:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.out = bytearray()
        self.eof = False


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1")
    args = p.parse_args()

    sel = selectors.DefaultSelector()
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((args.host, args.port))
    lsock.listen(128)
    lsock.setblocking(False)
    usock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    usock.bind((args.host, args.port))
    usock.setblocking(False)
    sel.register(lsock, selectors.EVENT_READ, "listen")
    sel.register(usock, selectors.EVENT_READ, "udp")

    def close(c: Conn) -> None:
        sel.unregister(c.sock)
        c.sock.close()

    def update(c: Conn) -> None:
        events = 0
        if not c.eof and len(c.out) < 1 << 20:  # stop reading while much is owed (back-pressure)
            events |= selectors.EVENT_READ
        if c.out:
            events |= selectors.EVENT_WRITE
        if not events:
            close(c)  # EOF seen and nothing owed: done
        else:
            sel.modify(c.sock, events, c)

    while True:
        for key, mask in sel.select():
            if key.data == "listen":
                try:
                    s, _ = lsock.accept()
                except OSError:
                    continue
                s.setblocking(False)
                sel.register(s, selectors.EVENT_READ, Conn(s))
            elif key.data == "udp":
                while True:
                    try:
                        data, addr = usock.recvfrom(65535)
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:  # an ICMP error for an earlier reply: not our concern
                        continue
                    try:
                        usock.sendto(data, addr)
                    except OSError:
                        pass
            else:
                c: Conn = key.data
                try:
                    if mask & selectors.EVENT_READ:
                        data = c.sock.recv(65536)
                        if data:
                            c.out += data
                        else:
                            c.eof = True
                    if mask & selectors.EVENT_WRITE and c.out:
                        n = c.sock.send(c.out)
                        del c.out[:n]
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:  # reset or broken pipe: this connection only
                    close(c)
                    continue
                update(c)


if __name__ == "__main__":
    main()
