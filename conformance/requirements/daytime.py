"""Daytime (RFC 867) requirements."""

from conformance.requirements import Requirement as R

ROWS = [
    R("DAYTIME-TCP-1", "server", "MUST (def)", "RFC 867 TCP", "On connection the server sends the date and time without waiting for input."),
    R("DAYTIME-TCP-2", "server", "MUST (def)", "RFC 867 TCP", "The server closes the connection after sending the string."),
    R("DAYTIME-TCP-3", "server", "MUST (def)", "RFC 867 TCP",
      "Client input is thrown away and never changes the reply, nor destroys it with a reset."),
    R("DAYTIME-TCP-4", "client", "derived", "RFC 867 TCP",
      "The client reads until the server closes; a string split across segments or without a line end is shown whole."),
    R("DAYTIME-UDP-1", "server", "MUST (def)", "RFC 867 UDP", "Any datagram, the empty one included, is answered with one datagram."),
    R("DAYTIME-UDP-2", "server", "MUST (def)", "RFC 867 UDP", "The whole string travels in that single datagram, back to the sender."),
    R("DAYTIME-UDP-3", "client", "derived", "RFC 867 UDP", "The UDP client waits with a timeout and retries a bounded number of times."),
    R("DAYTIME-FMT-1", "server", "SHOULD", "RFC 867 Syntax", "The string uses printable ASCII, space, CR and LF only."),
    R("DAYTIME-FMT-2", "server", "SHOULD", "RFC 867 Syntax", "The string is one line."),
    R("DAYTIME-FMT-3", "client", "MUST (def)", "RFC 867 Syntax",
      "Clients require no particular format: they reproduce the string verbatim."),
    R("DAYTIME-FMT-4", "server", "de-facto", "RFC 867",
      "The string tells the current time (compared with our clock when its format is a common one)."),
]
