"""The load benchmark's reference: a bare WSGI application served by the same gunicorn
with the same settings. It reads the request body and answers a small JSON document, so
the ratio against it isolates what huying adds (Django, the API, the database) from what
any WSGI server, the loopback and the load generator cost."""

from __future__ import annotations

BODY = b'{"ok": true}'


def application(environ, start_response):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    status = "201 Created" if environ["REQUEST_METHOD"] == "POST" else "200 OK"
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(BODY)))])
    return [BODY]
