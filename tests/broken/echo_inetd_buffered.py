"""A broken inetd-style echo service: reads the connection on stdin and writes it back on stdout through
Python's block buffer, flushing only at exit.  Everything arrives, but only after the client half-closes:
an interactive client waiting for its first line waits forever (echo-tcp-keeps-echoing and friends).

    inetd:{python} tests/broken/echo_inetd_buffered.py
"""

import sys

for line in sys.stdin.buffer:
    sys.stdout.buffer.write(line)  # never flushed: the bug
