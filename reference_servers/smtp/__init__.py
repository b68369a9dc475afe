"""SMTP (RFC 5321 with PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES): sans-I/O wire format
(:mod:`.wire`), the reference server with behaviours for client scenarios (:mod:`.server`), Maildir
delivery (:mod:`.delivery`) and the reference client (:mod:`.client`)."""
