"""Echo (RFC 862) requirements."""

from conformance.requirements import Requirement as R

ROWS = [
    R("ECHO-TCP-1", "server", "MUST (def)", "RFC 862 TCP", "The server sends nothing unsolicited: no banner, no prompt."),
    R("ECHO-TCP-2", "server", "MUST (def)", "RFC 862 TCP",
      "The server sends back exactly the octets received, in order, binary-safe (NUL, CR, LF, 0x80-0xFF)."),
    R("ECHO-TCP-3", "server", "MUST (def)", "RFC 862 TCP", "The server keeps echoing until the client ends the connection."),
    R("ECHO-TCP-4", "server", "derived", "RFC 862 TCP",
      "The server echoes whatever has arrived, without waiting for a newline or a full buffer."),
    R("ECHO-TCP-5", "server", "derived", "RFC 862 TCP",
      "Large volumes written and read concurrently are echoed completely."),
    R("ECHO-TCP-6", "server", "derived", "RFC 862 TCP",
      "When the client half-closes, the server flushes what it owes and then closes."),
    R("ECHO-TCP-7", "server", "de-facto", "RFC 862 TCP", "Simultaneous sessions are independent: no cross-talk, no blocking."),
    R("ECHO-TCP-8", "client", "derived", "RFC 862 TCP",
      "The client reads until it has as many bytes as it sent, compares them, and times out if the echo stalls."),
    R("ECHO-UDP-1", "server", "MUST (def)", "RFC 862 UDP", "Each datagram is answered by exactly one datagram with the same data."),
    R("ECHO-UDP-2", "server", "derived", "RFC 862 UDP", "The answer goes to the sender's address and port, from the service port."),
    R("ECHO-UDP-3", "server", "MUST (def)", "RFC 862 UDP", "Datagram boundaries are kept: N requests give N replies of matching sizes."),
    R("ECHO-UDP-4", "server", "derived", "RFC 862 UDP, RFC 768",
      "Datagrams up to 65,507 octets are echoed without truncation."),
    R("ECHO-UDP-5", "server", "de-facto", "RFC 862 UDP",
      "An empty datagram is answered with an empty datagram (FreeBSD inetd does; BusyBox does not)."),
    R("ECHO-UDP-6", "server", "de-facto", "RFC 862 UDP", "A reply that triggers ICMP port unreachable does not kill the server."),
    R("ECHO-UDP-7", "server", "MAY", "FreeBSD inetd check_loop",
      "Loop guard: datagrams from another small-service port (7, 13, 19, 37) may be dropped."),
    R("ECHO-UDP-8", "client", "derived", "RFC 862 UDP",
      "The UDP client retries on loss, accepts only the server's reply, checks it equals the request, and handles an empty reply."),
]
