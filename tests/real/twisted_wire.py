"""Serve Twisted's ``twisted.protocols.wire`` Echo, Daytime or Time on one TCP port, for validating a
third-party implementation with the suite:

    python tests/real/twisted_wire.py echo|daytime|time PORT

Twisted's wire module is real code nobody here wrote: its Time protocol is known to send Unix time
(seconds since 1970), which the suite must report under TIME-FMT-1.
"""

import sys

from twisted.internet import protocol, reactor
from twisted.protocols import wire


def main() -> None:
    kind, port = sys.argv[1], int(sys.argv[2])
    factory = protocol.ServerFactory()
    factory.protocol = {"echo": wire.Echo, "daytime": wire.Daytime, "time": wire.Time}[kind]
    reactor.listenTCP(port, factory, interface="127.0.0.1")
    reactor.run()


if __name__ == "__main__":
    main()
