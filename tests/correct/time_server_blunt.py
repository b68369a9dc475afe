"""Time server (RFC 868) the way a first C program is written, over an AF_UNIX stream socket: one loop,
accept, write the 4 octets, close at once; whatever a client sent is never read.  Over AF_UNIX closing with
input unread destroys nothing, so nothing is owed.

    python time_server_blunt.py --unix PATH
"""

import argparse
import os
import socket
import struct
import time

EPOCH_DELTA = 2_208_988_800


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--unix", required=True)
    args = p.parse_args()
    if os.path.exists(args.unix):
        os.unlink(args.unix)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(args.unix)
    listener.listen(64)
    while True:
        conn, _ = listener.accept()
        try:
            conn.sendall(struct.pack(">I", (int(time.time()) + EPOCH_DELTA) & 0xFFFFFFFF))
        except OSError:
            pass
        conn.close()


if __name__ == "__main__":
    main()
