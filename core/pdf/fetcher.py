"""The only URL fetcher WeasyPrint gets: the project's own static files and data: URIs.

A PDF is rendered from HTML that contains what users typed (escaped, but a template
mistake or a CSS ``url()`` must not turn into a request). So nothing is ever fetched
over the network and nothing outside the static folders is read:

- ``data:`` URIs are decoded in memory;
- ``file://`` URLs are read only when the resolved path (symlinks and ``..`` followed)
  lies inside ``STATICFILES_DIRS`` or ``STATIC_ROOT``;
- ``<SITE_URL>/static/…`` (what ``{% static %}`` gives against the default base URL),
  the same path on the render's own base URL, and an absolute STATIC_URL, are
  mapped to the same files on disk, never requested;
- everything else (http(s) anywhere else, ftp, other files, redirects — there is no
  request to redirect) raises, and WeasyPrint renders the document without it.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib import request
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse


class ForbiddenURL(ValueError):
    """A URL the PDF renderer may not read."""


def static_roots() -> list[Path]:
    roots = [Path(p) for p in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots if root.is_dir()]


def default_base_url() -> str:
    return settings.SITE_URL.rstrip("/") + "/"


def _static_file(relative: str) -> Path:
    """The file for a path below the static URL, or ForbiddenURL."""
    relative = unquote(relative).lstrip("/")
    if not relative or "\x00" in relative:
        raise ForbiddenURL("empty or invalid static path")
    for root in static_roots():
        candidate = (root / relative).resolve()
        # resolve() follows symlinks and "..": the result must still be inside the root.
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    raise ForbiddenURL(f"no such static file: {relative}")


def _local_file(path_part: str) -> Path:
    path = Path(request.url2pathname(unquote(path_part))).resolve()
    for root in static_roots():
        if path.is_relative_to(root) and path.is_file():
            return path
    raise ForbiddenURL(f"file outside the static folders: {path}")


def _static_prefixes(base_url: str | None) -> set[tuple[str, str, str]]:
    """(scheme, host, path prefix) triples that stand for the static folders: the
    static URL on SITE_URL, on the render's base URL, and STATIC_URL itself when it
    is absolute (a CDN)."""
    static = urlsplit(settings.STATIC_URL)
    path = static.path or "/static/"
    origins = {settings.SITE_URL}
    if base_url:
        origins.add(base_url)
    prefixes = {(o.scheme, o.netloc, path) for o in map(urlsplit, origins) if o.netloc}
    if static.scheme in ("http", "https") and static.netloc:
        prefixes.add((static.scheme, static.netloc, path))
    return prefixes


def resolve_url(url: str, base_url: str | None = None) -> Path | None:
    """The static file a URL stands for; None for a data: URI; ForbiddenURL otherwise."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return None
    if scheme == "file":
        return _local_file(urlsplit(url).path)
    if scheme in ("http", "https"):
        parts = urlsplit(url)
        for prefix_scheme, host, path in _static_prefixes(base_url):
            if (
                (parts.scheme, parts.netloc) == (prefix_scheme, host)
                and parts.path.startswith(path)
                and not parts.query
            ):
                return _static_file(parts.path[len(path) :])
    raise ForbiddenURL(f"the PDF renderer does not fetch {url[:200]!r}")


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint fetcher that reads static files and data: URIs, and nothing else."""

    def __init__(self, base_url: str | None = None) -> None:
        # No redirects and no protocols for the parent's opener: fetch() below
        # never calls it, this is belt and braces.
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.base_url = base_url

    def fetch(self, url, headers=None):
        path = resolve_url(url, self.base_url)
        if path is None:
            # resolve_url() returned None: a data: URI, decoded in memory, no I/O.
            data_request = request.Request(url)  # noqa: S310
            with request.DataHandler().data_open(data_request) as response:
                body = response.read()
                content_type = response.headers.get("Content-Type", "text/plain")
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
