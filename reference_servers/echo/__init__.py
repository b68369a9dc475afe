"""Echo protocol (RFC 862): wire format, reference server and reference client."""
