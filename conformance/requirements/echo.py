"""Echo (RFC 862) requirements."""

from conformance.requirements import CLIENT_CONTRACT
from conformance.requirements import Requirement as R

_TCP = ('RFC 862: "A server listens for TCP connections on TCP port 7. Once a connection is established any data '
        'received is sent back. This continues until the calling user terminates the connection."')
_UDP = ('RFC 862: "A server listens for UDP datagrams on UDP port 7. When a datagram is received, the data from it '
        'is sent back in an answering datagram."')

ROWS = [
    R("ECHO-TCP-1", "server", "MUST (def)", "RFC 862 TCP", "The server sends nothing unsolicited: no banner, no prompt.",
      source=_TCP + " - what is sent back is the data received, nothing else"),
    R("ECHO-TCP-2", "server", "MUST (def)", "RFC 862 TCP",
      "The server sends back exactly the octets received, in order, binary-safe (NUL, CR, LF, 0x80-0xFF).",
      source=_TCP),
    R("ECHO-TCP-3", "server", "MUST (def)", "RFC 862 TCP", "The server keeps echoing until the client ends the connection.",
      source=_TCP),
    R("ECHO-TCP-4", "server", "derived", "RFC 862 TCP",
      "The server echoes whatever has arrived, without waiting for a newline or a full buffer.",
      source=_TCP + " - any data, not lines: a server waiting for a line end never sends back a byte without one"),
    R("ECHO-TCP-5", "server", "derived", "RFC 862 TCP",
      "Large volumes written and read concurrently are echoed completely.",
      source=_TCP),
    R("ECHO-TCP-6", "server", "de-facto", "RFC 862 TCP",
      "When the client half-closes, the server flushes what it owes and then closes.",
      source="RFC 862 ends the service when \"the calling user terminates the connection\" but says nothing of a "
             "half-close: closing after it is what inetd does (graded as a warning); data owed and lost at the "
             "half-close is graded as ECHO-TCP-2"),
    R("ECHO-TCP-7", "server", "de-facto", "RFC 862 TCP", "Simultaneous sessions are independent: no cross-talk, no blocking."),
    R("ECHO-TCP-8", "client", "derived", "RFC 862 TCP",
      "The client reads until it has as many bytes as it sent, however the echo is segmented, shows it unchanged, "
      "and ends the connection itself.",
      source=_TCP + " - the server sends back what it received and never closes: a client that shows a correct "
             "echo short or changed (one recv, a line assumed), reports it as an error, or waits for a close that "
             "only the calling user makes, fails a server that did what the RFC says. How it reports a broken "
             "exchange is ECHO-CLIENT-1 (de-facto); a hang after one is NET-TCP-8"),
    R("ECHO-CLIENT-1", "client", "de-facto", "suite contract (docs/design.md §5)",
      "A broken exchange (a short, different or missing echo, a reset, a refused or stalled connection) is "
      "reported as a failure: a non-zero exit status.",
      source=CLIENT_CONTRACT),
    R("ECHO-UDP-1", "server", "MUST (def)", "RFC 862 UDP", "Each datagram is answered by exactly one datagram with the same data.",
      source=_UDP),
    R("ECHO-UDP-2", "server", "derived", "RFC 862 UDP", "The answer goes to the sender's address and port, from the service port.",
      source=_UDP + ' RFC 768: "Source Port [...] indicates the port of the sending process, and may be assumed '
             'to be the port to which a reply should be addressed"'),
    R("ECHO-UDP-3", "server", "MUST (def)", "RFC 862 UDP", "Datagram boundaries are kept: N requests give N replies of matching sizes.",
      source=_UDP),
    R("ECHO-UDP-4", "server", "derived", "RFC 862 UDP, RFC 768",
      "Datagrams up to 65,507 octets (65,527 over IPv6) are echoed without truncation.",
      source=_UDP + " (all of the data; RFC 768's 16-bit length allows 65,507 octets of data over IPv4; over "
      "IPv6, RFC 8200 §3: Payload Length is the \"Length of the IPv6 payload, i.e., the rest of the packet "
      "following this IPv6 header, in octets\", so 65,535 less the 8-octet UDP header: 65,527)"),
    R("ECHO-UDP-5", "server", "derived", "RFC 862 UDP",
      "An empty datagram is answered with an empty datagram (FreeBSD inetd does; BusyBox does not).",
      source=_UDP + ' RFC 768: "(This means the minimum value of the length is eight.)" - a datagram of no '
             'data is a datagram, received like any other'),
    R("ECHO-UDP-6", "server", "MUST (def)", "RFC 862 UDP", "A reply that triggers ICMP port unreachable does not kill the server.",
      source=_UDP + " A client that leaves before its answer arrives is an ordinary event; a server whose loop "
             "ends on the ICMP error it draws no longer listens for anyone"),
    R("ECHO-UDP-7", "server", "MAY", "FreeBSD inetd check_loop",
      "Loop guard: datagrams from another small-service port (7, 13, 19, 37) may be dropped."),
    R("ECHO-UDP-8", "client", "derived", "RFC 862 UDP",
      "The UDP client retries on loss, accepts only the server's reply to its current request, and handles an empty reply.",
      source=_UDP + ' RFC 768: "delivery and duplicate protection are not guaranteed." - the answer is the '
             'datagram equal to the request, and a lost one is asked for again'),
]
