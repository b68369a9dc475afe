"""HTTP/1.0 (RFC 1945): sans-I/O wire format, reference server, reference client, scripted peer.

``python -m reference_servers.http --root DIR`` runs the server; ``python -m reference_servers.http.client
URL`` fetches a URL (the client contract of DESIGN.md §5).
"""
