"""Daytime (RFC 867) requirements."""

from conformance.requirements import CLIENT_CONTRACT
from conformance.requirements import Requirement as R

_TCP = ('RFC 867: "A server listens for TCP connections on TCP port 13. Once a connection is established the '
        'current date and time is sent out the connection as a ascii character string (and any data received is '
        'thrown away). The service closes the connection after sending the quote."')
_UDP = ('RFC 867: "A server listens for UDP datagrams on UDP port 13. When a datagram is received, an answering '
        'datagram is sent containing the current date and time as a ASCII character string (the data in the '
        'received datagram is ignored)."')

ROWS = [
    R("DAYTIME-TCP-1", "server", "MUST (def)", "RFC 867 TCP", "On connection the server sends the date and time without waiting for input.",
      source=_TCP),
    R("DAYTIME-TCP-2", "server", "MUST (def)", "RFC 867 TCP", "The server closes the connection after sending the string.",
      source=_TCP),
    R("DAYTIME-TCP-3", "server", "MUST (def)", "RFC 867 TCP",
      "Client input is thrown away and never changes the reply, nor destroys it with a reset.",
      source=_TCP + " (a reset caused by closing with the input unread is graded as NET-TCP-9)"),
    R("DAYTIME-TCP-4", "client", "derived", "RFC 867 TCP",
      "The client reads until the server closes; a string split across segments or without a line end is shown whole.",
      source=_TCP + " - the string ends where the server closes, not at a segment or line end: a client that "
             "shows a whole string cut or reports it as an error fails a server that did what the RFC says. How it "
             "reports a broken exchange is DAYTIME-CLIENT-1 (de-facto); a hang after one is NET-TCP-8"),
    R("DAYTIME-CLIENT-1", "client", "de-facto", "suite contract (docs/design.md §5)",
      "A broken exchange (half a string then silence or a reset, no reply, a refused or stalled connection) is "
      "reported as a failure: a non-zero exit status.",
      source=CLIENT_CONTRACT),
    R("DAYTIME-UDP-1", "server", "MUST (def)", "RFC 867 UDP", "Any datagram, the empty one included, is answered with one datagram.",
      source=_UDP),
    R("DAYTIME-UDP-2", "server", "MUST (def)", "RFC 867 UDP", "The whole string travels in that single datagram, back to the sender.",
      source=_UDP),
    R("DAYTIME-UDP-3", "client", "derived", "RFC 867 UDP", "The UDP client waits with a timeout and asks again when the answer is lost.",
      source='RFC 768: "delivery and duplicate protection are not guaranteed." - one lost datagram must not end '
             'the client in a hang or a false answer'),
    R("DAYTIME-FMT-1", "server", "SHOULD", "RFC 867 Syntax", "The string uses printable ASCII, space, CR and LF only.",
      source='RFC 867: "It is recommended that it be limited to the ASCII printing characters, space, carriage '
             'return, and line feed."'),
    R("DAYTIME-FMT-2", "server", "SHOULD", "RFC 867 Syntax", "The string is one line.",
      source='RFC 867: "The daytime should be just one line."'),
    R("DAYTIME-FMT-3", "client", "MUST (def)", "RFC 867 Syntax",
      "Clients require no particular format: they reproduce the string verbatim.",
      source='RFC 867: "There is no specific syntax for the daytime."'),
    R("DAYTIME-FMT-4", "server", "de-facto", "RFC 867",
      "The string tells the current time (compared with our clock when its format is a common one)."),
]
