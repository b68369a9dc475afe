"""Time (RFC 868) requirements."""

from conformance.requirements import Requirement as R

ROWS = [
    R("TIME-FMT-1", "server", "MUST (def)", "RFC 868 The Time", "The value counts seconds since 1900-01-01T00:00:00 GMT (not Unix time)."),
    R("TIME-FMT-2", "server", "MUST", "RFC 868, RFC 791 App. B", "The 32-bit value is sent big-endian."),
    R("TIME-FMT-3", "server", "MUST (def)", "RFC 868", "Exactly 4 octets of binary: no text, no newline, no 64-bit field."),
    R("TIME-FMT-4", "client", "MUST (def)", "RFC 868", "The value is unsigned: every date after 1968-01-20 has the top bit set."),
    R("TIME-FMT-5", "client", "MUST (def)", "RFC 868", "Conversion uses the RFC's exact offset (2,208,988,800 s from 1900 to 1970), in UTC."),
    R("TIME-FMT-6", "both", "de-facto", "RFC 868; RFC 4330 §3",
      "Past 2036-02-07T06:28:16Z the value wraps modulo 2^32; clients read top-bit-clear values as 2036-2104."),
    R("TIME-TCP-1", "server", "MUST (def)", "RFC 868 TCP", "On connection the server sends the time at once; the client sends nothing."),
    R("TIME-TCP-2", "server", "MUST (def)", "RFC 868 TCP", "The server closes after the 4 octets."),
    R("TIME-TCP-3", "server", "SHOULD", "RFC 868 TCP", "Without a clock, the server refuses or closes without sending anything."),
    R("TIME-TCP-4", "client", "derived", "RFC 868 TCP",
      "The client reads exactly 4 octets across segments; fewer before the close is an error, never a partial decode."),
    R("TIME-UDP-1", "server", "MUST (def)", "RFC 868 UDP", "An empty request datagram is answered with one datagram of exactly 4 octets."),
    R("TIME-UDP-2", "server", "de-facto", "BSD inetd", "Non-empty request datagrams are answered the same way; content is ignored."),
    R("TIME-UDP-3", "server", "SHOULD", "RFC 868 UDP", "Without a clock, the server discards the datagram and does not reply."),
    R("TIME-UDP-4", "client", "MUST (def)", "RFC 868 UDP",
      "The UDP client uses a timeout and bounded retries and accepts only a 4-octet reply from the server."),
]
