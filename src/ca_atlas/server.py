"""The HTTP policy of a served atlas: headers on every response, and what is not public.

An ASGI middleware around Streamlit's own app (``serve.py`` mounts it through
``st.App(middleware=...)``), so the policy holds whether the atlas is reached directly or
through the team's proxy:

- no other site may frame the atlas (``frame-ancestors 'self'``, ``X-Frame-Options``);
  the map and chart iframes are the atlas's own origin and keep working;
- Streamlit's ``/_stcore/metrics`` (sessions, memory, cache sizes) answers 404: it is for
  the operator, not for visitors;
- responses are not sniffed and send no referrer to other sites;
- ``/_atlas/layer/<sha256>.json`` answers the map layers this process built
  (:mod:`ca_atlas.served_files`): :class:`LayerFiles`.

The request's path is compared with fixed strings; nothing from it is used otherwise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from . import served_files

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Sent with every HTTP response.
HEADERS: dict[str, str] = {
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

#: Paths (after any base URL path) that visitors never get.
PRIVATE_PATHS = ("/_stcore/metrics",)


class SecurityHeaders:
    """Add :data:`HEADERS` to every HTTP response; refuse :data:`PRIVATE_PATHS`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._headers = [(k.lower().encode("latin-1"), v.encode("latin-1"))
                         for k, v in HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if any(path == p or path.endswith(p) for p in PRIVATE_PATHS):
            await self._not_found(send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *[(k, v) for k, v in self._headers if k not in present]]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _not_found(self, send: Send) -> None:
        body = b"Not found\n"
        await send({"type": "http.response.start", "status": 404,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()), *self._headers]})
        await send({"type": "http.response.body", "body": body})


class LayerFiles:
    """ASGI middleware: answer ``GET``/``HEAD`` ``.../_atlas/layer/<sha256>.json`` with
    the layer file of that name, if this process built it (404 otherwise); pass every
    other request to the app. The name must be 64 lower-case hex digits: nothing else in
    the path is used, and nothing reaches the filesystem."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        marker = path.rfind(served_files.PATH)
        if marker < 0:
            await self.app(scope, receive, send)
            return
        body = served_files.payload(path[marker + len(served_files.PATH):])
        method = scope.get("method", "GET")
        if body is None or method not in ("GET", "HEAD"):
            status, body = (404, b"Not found\n") if body is None else (405, b"")
            headers = [(b"content-type", b"text/plain; charset=utf-8"),
                       (b"cache-control", b"no-store")]
        else:
            status = 200
            # the name is the content's hash: the file never changes
            headers = [(b"content-type", b"application/json"),
                       (b"cache-control", b"public, max-age=31536000, immutable")]
        headers += [(b"content-length", str(len(body)).encode()),
                    *[(k.lower().encode("latin-1"), v.encode("latin-1"))
                      for k, v in HEADERS.items()]]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
