"""Time (RFC 868) requirements."""

from conformance.requirements import CLIENT_CONTRACT
from conformance.requirements import Requirement as R

_TIME = ('RFC 868: "The time is the number of seconds since 00:00 (midnight) 1 January 1900 GMT, such that the '
         'time 1 is 12:00:01 am on 1 January 1900 GMT; this base will serve until the year 2036."')
_TCP = ('RFC 868: "The server listens for a connection on port 37. When the connection is established, the server '
        'returns a 32-bit time value and closes the connection."')
_UDP = ('RFC 868: "The server listens for a datagram on port 37. When a datagram arrives, the server returns a '
        'datagram containing the 32-bit time value."')

ROWS = [
    R("TIME-FMT-1", "server", "MUST (def)", "RFC 868 The Time", "The value counts seconds since 1900-01-01T00:00:00 GMT (not Unix time).",
      source=_TIME),
    R("TIME-FMT-2", "server", "MUST", "RFC 868, RFC 791 App. B", "The 32-bit value is sent big-endian.",
      source='RFC 868: "S: Send the time as a 32 bit binary number."; RFC 791 Appendix B: "When a multi-octet '
             'quantity is transmitted the most significant octet is transmitted first."'),
    R("TIME-FMT-3", "server", "MUST (def)", "RFC 868", "Exactly 4 octets of binary: no text, no newline, no 64-bit field.",
      source='RFC 868: "S: Send the time as a 32 bit binary number."'),
    R("TIME-FMT-4", "client", "MUST (def)", "RFC 868", "The value is unsigned: every date after 1968-01-20 has the top bit set.",
      source=_TIME + " - a signed value would have run out in 1968"),
    R("TIME-FMT-5", "client", "MUST (def)", "RFC 868", "Conversion uses the RFC's exact offset (2,208,988,800 s from 1900 to 1970), in UTC.",
      source='RFC 868: "the time 2,208,988,800 corresponds to 00:00 1 Jan 1970 GMT"'),
    R("TIME-FMT-6", "both", "de-facto", "RFC 868; RFC 4330 §3",
      "Past 2036-02-07T06:28:16Z the value wraps modulo 2^32; clients read top-bit-clear values as 2036-2104.",
      source='RFC 868 only says "this base will serve until the year 2036"; the era rule is RFC 4330\'s'),
    R("TIME-TCP-1", "server", "MUST (def)", "RFC 868 TCP", "On connection the server sends the time at once; the client sends nothing.",
      source='RFC 868: "S: Listen on port 37 (45 octal). U: Connect to port 37. S: Send the time as a 32 bit binary '
             'number."'),
    R("TIME-TCP-2", "server", "MUST (def)", "RFC 868 TCP", "The server closes after the 4 octets.",
      source=_TCP),
    R("TIME-TCP-3", "server", "SHOULD", "RFC 868 TCP", "Without a clock, the server refuses or closes without sending anything.",
      source='RFC 868: "If the server is unable to determine the time at its site, it should either refuse the '
             'connection or close it without sending anything."'),
    R("TIME-TCP-4", "client", "derived", "RFC 868 TCP",
      "The client reads the 4 octets across segments, and shows no time when the server closes without sending any.",
      source='RFC 868: "S: Send the time as a 32 bit binary number. U: Receive the time."; "If the server is '
             'unable to determine the time at its site, it should either refuse the connection or close it without '
             'sending anything." - a time is 4 octets, and a close without any is the RFC\'s "no time": a client '
             'that shows a time then, or a split value wrong, shows a time it did not receive. How it reports a '
             'broken exchange (fewer than 4 octets) is TIME-CLIENT-1 (de-facto); a hang after one is NET-TCP-8'),
    R("TIME-CLIENT-1", "client", "de-facto", "suite contract (docs/design.md §5)",
      "A broken exchange (no time or fewer than 4 octets, a reply datagram not of 4 octets, no reply, a refused or "
      "stalled connection) is reported as a failure: a non-zero exit status.",
      source=CLIENT_CONTRACT),
    R("TIME-TCP-5", "server", "de-facto", "RFC 868 TCP",
      "Input a client sends (the RFC's client sends none) changes nothing: the 4 octets arrive, then a clean close.",
      source='RFC 868\'s TCP client sends nothing ("U: Connect to port 37. [...] U: Receive the time."): input is '
             "off-protocol, so the server's reaction to it is graded as a warning"),
    R("TIME-UDP-1", "server", "MUST (def)", "RFC 868 UDP", "An empty request datagram is answered with one datagram of exactly 4 octets.",
      source='RFC 868: "U: Send an empty datagram to port 37. S: Receive the empty datagram. S: Send a datagram '
             'containing the time as a 32 bit binary number."'),
    R("TIME-UDP-2", "server", "de-facto", "BSD inetd", "Non-empty request datagrams are answered the same way; content is ignored."),
    R("TIME-UDP-3", "server", "SHOULD", "RFC 868 UDP", "Without a clock, the server discards the datagram and does not reply.",
      source='RFC 868: "If the server is unable to determine the time at its site, it should discard the arriving '
             'datagram and make no reply."'),
    R("TIME-UDP-4", "client", "derived", "RFC 868 UDP",
      "The UDP client waits with a timeout, asks again when the answer is lost, and takes only the server's reply as the time.",
      source=_UDP + ' "U: Receive the time datagram."; RFC 768: "delivery and duplicate protection are not '
             'guaranteed."'),
]
