"""Scripts, styles and JSON sent compressed, and fingerprinted files cached for a year.

A first visit over an intranet link is mostly Dash's and Plotly's scripts (8 MB as they
are, plotly.min.js alone 4.8 MB). Every compressible answer of 1 KB or more goes out with
brotli when the browser offers it (browsers do over HTTPS) and gzip otherwise. Static
files are compressed once at the strongest level and kept in memory and under
``instance/static-cache/`` (shared by the workers and kept across restarts, keyed by the
file's hash); callback answers are compressed on the fly at a fast level.

Files whose URL carries a fingerprint (Dash's ``.v4_4_1m….js`` component suites, the
``?m=…`` of ``/assets/``) change URL when they change, so they are cached for a year
(``immutable``); the few Dash loads without one (its async chunks, plotly.min.js) keep
their ETag and are revalidated.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from pathlib import Path

from flask import Flask, Response, request

try:  # optional: brotli is ~25% smaller than gzip on these scripts
    import brotli
except ImportError:  # pragma: no cover - gzip alone is fine
    brotli = None

MIN_SIZE = 1024
STATIC = ("/_dash-component-suites/", "/assets/")
COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "application/x-javascript",
                "application/json", "text/html", "image/svg+xml", "text/plain", "image/x-icon"}
YEAR = 31536000
_MEMORY: dict[tuple[str, str], bytes] = {}
_ETAGS: dict[str, str] = {}  # unfingerprinted suite path -> its ETag header, once seen
_LOCK = threading.Lock()


def offered(accept_encoding: str) -> str | None:
    """The encoding to use for an ``Accept-Encoding`` header: br, gzip, or None."""
    tokens = {}
    for part in accept_encoding.lower().split(","):
        name, _sep, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        tokens[name.strip()] = weight
    if brotli is not None and tokens.get("br", 0) > 0:
        return "br"
    if tokens.get("gzip", 0) > 0 or tokens.get("*", 0) > 0:
        return "gzip"
    return None


def _encode(data: bytes, encoding: str, strong: bool) -> bytes:
    if encoding == "br":
        quality = (11 if len(data) < 512 * 1024 else 9) if strong else 4
        return brotli.compress(data, quality=quality)
    return gzip.compress(data, compresslevel=9 if strong else 5, mtime=0)


def _static(data: bytes, encoding: str, folder: Path | None) -> bytes:
    """A static file's compressed bytes: from memory, from the shared folder, or made now."""
    key = (hashlib.sha256(data).hexdigest(), encoding)
    found = _MEMORY.get(key)
    if found is not None:
        return found
    path = folder / f"{key[0]}.{encoding}" if folder else None
    if path is not None and path.exists():
        found = path.read_bytes()
    else:
        found = _encode(data, encoding, strong=True)
        if path is not None:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                partial = path.with_suffix(f".{encoding}.part{threading.get_ident()}")
                partial.write_bytes(found)
                partial.replace(path)  # atomic: another worker never reads half a file
            except OSError:
                pass
    with _LOCK:
        _MEMORY[key] = found
    return found


def _cache_lifetime(response: Response) -> None:
    fingerprinted = (request.args.get("m") if request.path.startswith("/assets/")
                     else response.cache_control.max_age)  # Dash sets it on fingerprinted suites
    if fingerprinted:
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"


def _shareable(wsgi_app):
    """Static files are the same for everyone: no ``Vary: Cookie`` and no cookie refresh on
    them (Flask adds both once a request reads the session), or browsers would fetch them
    again on every page, since the session cookie changes."""

    def app(environ, start_response):
        if not environ.get("PATH_INFO", "").startswith(STATIC):
            return wsgi_app(environ, start_response)

        def start(status, headers, exc_info=None):
            kept = []
            for name, value in headers:
                if name.lower() == "set-cookie":
                    continue
                if name.lower() == "vary":
                    value = ", ".join(
                        v.strip() for v in value.split(",") if v.strip().lower() != "cookie"
                    )
                    if not value:
                        continue
                kept.append((name, value))
            return start_response(status, kept, exc_info)

        return wsgi_app(environ, start)

    return app


def init_app(server: Flask, folder: Path | None) -> None:
    """Compress what ``server`` answers (``folder`` keeps compressed static files)."""
    server.wsgi_app = _shareable(server.wsgi_app)

    @server.before_request
    def not_modified():
        """A revalidation of an unfingerprinted script (plotly.min.js, Dash's async chunks)
        answered from the ETag seen before, without reading and hashing 4.8 MB again."""
        tag = _ETAGS.get(request.path)
        if tag is not None and request.headers.get("If-None-Match") == tag:
            return Response(status=304, headers={"ETag": tag})
        return None

    @server.after_request
    def compress(response: Response) -> Response:
        static = request.path.startswith(STATIC)
        if static and response.status_code == 200:
            _cache_lifetime(response)
            if request.path.startswith("/_dash-component-suites/") and response.headers.get("ETag"):
                _ETAGS[request.path] = response.headers["ETag"]
        if (response.status_code != 200 or request.method != "GET" and request.method != "POST"
                or "Content-Encoding" in response.headers or response.mimetype not in COMPRESSIBLE):
            return response
        response.vary.add("Accept-Encoding")
        encoding = offered(request.headers.get("Accept-Encoding", ""))
        if encoding is None:
            return response
        response.direct_passthrough = False  # static files come as a file wrapper
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        response.set_data(_static(data, encoding, folder) if static else _encode(data, encoding,
                                                                                 strong=False))
        response.headers["Content-Encoding"] = encoding
        return response
