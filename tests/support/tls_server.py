#!/usr/bin/env python3
"""A TLS server for tests/tls.rs: serves recorded responses in order, one per connection.

Usage: tls_server.py CERT KEY STATUS:FILE... — prints its port, then serves. A client that
fails the handshake (an untrusted certificate) does not use up a response.
"""
import socket
import ssl
import sys

cert, key, *responses = sys.argv[1:]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(8)
print(listener.getsockname()[1], flush=True)

queue = list(responses)
while queue:
    raw, _ = listener.accept()
    try:
        conn = ctx.wrap_socket(raw, server_side=True)
    except (ssl.SSLError, OSError):
        raw.close()
        continue
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    status, path = queue.pop(0).split(":", 1)
    with open(path, "rb") as f:
        body = f.read()
    conn.sendall(
        b"HTTP/1.1 %s X\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
        % (status.encode(), len(body))
        + body
    )
    conn.close()
