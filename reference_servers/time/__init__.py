"""Time protocol (RFC 868): wire format, reference server and reference client."""
