"""Cross-cutting transport requirements (NET), from RFC 793 §2.8, RFC 768 and RFC 791 App. B."""

from conformance.requirements import Requirement as R

_STREAM = ('RFC 793 §2.8: "The data that flows on a connection may be thought of as a stream of octets." '
           '(a segment boundary carries no meaning for the application)')
_UDP = ('RFC 768: "The protocol is transaction oriented, and delivery and duplicate protection are not '
        'guaranteed."')
_LISTEN = ('RFC 862: "A server listens for TCP connections on TCP port 7. Once a connection is established any '
           'data received is sent back."; RFC 867: "A server listens for TCP connections on TCP port 13."; '
           'RFC 868: "The server listens for a connection on port 37. When the connection is established, the '
           'server returns a 32-bit time value and closes the connection."; RFC 1436: "The server responds with '
           'a block of text terminated by a period on a line by itself and closes the connection."; RFC 1945 '
           '§1.3: "A client establishes a connection with a server and sends a request to the server [...]. The '
           'server responds with a status line [...]". The service is defined as a server that answers each '
           'connection: one that no longer accepts any has no service left for anyone.')

ROWS = [
    R("NET-TCP-1", "both", "derived", "RFC 793 §2.8",
      "TCP is a byte stream: one write may arrive as many reads, so a receiver buffers until its protocol's own delimiter.",
      source=_STREAM),
    R("NET-TCP-2", "both", "derived", "RFC 793 §2.8",
      "Several protocol units may arrive in one read; the surplus is kept for the next parse, never dropped.",
      source=_STREAM),
    R("NET-TCP-3", "both", "derived", "RFC 793 §2.8",
      "A write may take fewer bytes than offered; writers loop until all is sent, large transfers arrive complete.",
      source=_STREAM + '; the protocol\'s own MUST then asks for every octet (RFC 862: "any data received is sent back")'),
    R("NET-TCP-4", "server", "de-facto", "-",
      "A client that half-closes right after its request still receives the complete response.",
      source="no RFC of these protocols speaks of half-close; interoperability with clients that shut down writing"),
    R("NET-TCP-5", "server", "SHOULD", "RFC 1945 §1.3, RFC 5321 §4.1.1.5, RFC 5321 §4.5.4.2",
      "A peer's reset or premature close ends only that session; the server keeps serving others.",
      source='RFC 5321 §4.5.4.2: "The SMTP server SHOULD attempt to keep a pending listen on the SMTP port '
             '(specified by IANA as port 25) at all times." (for SMTP this row also grades a dead server; for the '
             'other protocols a dead server is NET-TCP-10 and this row is the live server that mishandled the '
             'session after a reset)'),
    R("NET-TCP-6", "server", "de-facto", "RFC 5321 §4.5.4.2",
      "An idle or slow client does not block other clients; idle sessions are timed out."),
    R("NET-TCP-7", "both", "de-facto", "-",
      "Would-block and interrupted calls mean retry, not failure: a peer that pauses mid-message is waited for."),
    R("NET-TCP-8", "client", "de-facto", "RFC 5321 §4.5.3.2",
      "Every wait of a client (connect, first byte, later reads) is bounded, and a timeout is reported as an error."),
    R("NET-TCP-9", "server", "SHOULD", "RFC 1945 §9.4",
      "A server does not close with unread input queued (the kernel would reset and destroy the reply): it shuts down writing, drains, then closes."),
    R("NET-TCP-10", "server", "MUST (def)", "RFC 862, RFC 867, RFC 868, RFC 1436, RFC 1945 §1.3",
      "The service outlives any one client: after clients reset, close early or half-close, the server still "
      "accepts and answers new connections (its process did not die with one session).",
      source=_LISTEN),
    R("NET-UDP-1", "server", "derived", "RFC 768 Fields",
      "A UDP reply goes to the request's source address and port, from the port the client queried.",
      source='RFC 768: "Source Port [...] indicates the port of the sending process, and may be assumed to be the '
             'port to which a reply should be addressed"; RFC 862: "When a datagram is received, the data from it '
             'is sent back in an answering datagram."'),
    R("NET-UDP-2", "both", "derived", "RFC 768",
      "Datagrams may be lost, duplicated or reordered: a client asks again for an answer that was lost; servers keep no state a lost datagram could wedge.",
      source=_UDP + " - a client that never asks again cannot get an answer the network lost once; how long it "
             "goes on asking when none ever comes is NET-UDP-8 (de-facto)"),
    R("NET-UDP-3", "client", "de-facto", "-",
      "A client accepts a reply only from the address and port it queried and ignores stray datagrams.",
      source="a client that rejects (errors out on) a stray datagram from elsewhere has not lied, but it has not "
             "waited for the real answer either: interoperability, graded as a warning; taking the stray "
             "datagram as the answer is NET-UDP-7"),
    R("NET-UDP-4", "both", "derived", "RFC 768",
      "A zero-length datagram is a valid datagram, not an end of stream.",
      source='RFC 768: "Length is the length in octets of this user datagram including this header and the data. '
             '(This means the minimum value of the length is eight.)" - eight octets is a header with no data'),
    R("NET-UDP-5", "both", "derived", "RFC 768 Fields",
      "Receive buffers hold the largest datagram a peer may send (65,507 octets over IPv4, 65,527 over IPv6); "
      "nothing is truncated.",
      source='RFC 768: the 16-bit "Length is the length in octets of this user datagram including this header and '
             'the data"; RFC 862: "the data from it is sent back in an answering datagram" (all of it); RFC 8200 '
             '§3: IPv6 Payload Length is the "Length of the IPv6 payload, i.e., the rest of the packet following '
             'this IPv6 header, in octets", so its IPv4 header limit does not apply'),
    R("NET-UDP-6", "server", "MUST (def)", "RFC 862 UDP, RFC 867 UDP, RFC 868 UDP",
      "ICMP errors caused by earlier replies (port unreachable) never end the server's loop.",
      source='RFC 862: "A server listens for UDP datagrams on UDP port 7."; RFC 867: "A server listens for UDP '
             'datagrams on UDP port 13."; RFC 868: "The server listens for a datagram on port 37." A client that '
             'is gone before its answer arrives is an ordinary event; a server whose loop ends on the ICMP error '
             'it draws no longer listens for anyone.'),
    R("NET-UDP-7", "client", "derived", "RFC 768, RFC 862 UDP, RFC 867 UDP, RFC 868 UDP",
      "A client never reports as the server's answer a datagram that is not one: one from another address or "
      "port, or (echo) one that does not match its current request, such as a late duplicate of an earlier echo.",
      source='RFC 862: "When a datagram is received, the data from it is sent back in an answering datagram."; '
             'RFC 867: "When a datagram is received, an answering datagram is sent containing the current date '
             'and time"; RFC 868: "S: Send a datagram containing the time as a 32 bit binary number. U: Receive '
             'the time datagram." The answer comes from the server the client queried (RFC 768: "Source Port [...] '
             'indicates the port of the sending process"), and ' + _UDP[:-1] + ' - so a late duplicate is '
             'expected and is not the answer.'),
    R("NET-UDP-8", "client", "de-facto", "RFC 768",
      "A UDP client's waits and retries are bounded: when no answer ever comes, it gives up and reports it.",
      source="RFC 768 says delivery is not guaranteed, not how long a client may go on waiting or asking: an "
             "unbounded wait is graded as a warning, as NET-TCP-8 is over TCP"),
    R("NET-BO-1", "both", "MUST", "RFC 791 App. B",
      "Multi-octet integers travel most significant octet first (network byte order).",
      source='RFC 791 Appendix B: "When a multi-octet quantity is transmitted the most significant octet is '
             'transmitted first."'),
]


#: what a server breaks when it stops serving altogether (its process died, or its port refuses): the
#: service's own definition (NET-TCP-10, MUST (def): the RFCs' "A server listens for TCP connections on TCP
#: port 7"), except where the RFC grades it itself (RFC 5321 §4.5.4.2: "The SMTP server SHOULD attempt to
#: keep a pending listen on the SMTP port")
DEAD_SERVER_REQS: dict[str, tuple[str, ...]] = {"smtp": ("NET-TCP-5",)}


def dead_server_reqs(protocol: str) -> tuple[str, ...]:
    """The ids a server of ``protocol`` that stopped serving altogether breaks."""
    return DEAD_SERVER_REQS.get(protocol, ("NET-TCP-10",))
