"""Daytime protocol (RFC 867): wire format, reference server and reference client."""
