"""Reference servers and clients, one package per protocol: wire (sans-I/O), server, client."""
