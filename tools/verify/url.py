"""The stack's URL from outside: /health answers 200, and with a domain plain HTTP only redirects
to HTTPS. No AWS call: a GET from wherever verify runs."""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from tools.verify.results import Result, Status

HTTP_TIMEOUT_SECONDS = 10.0
REDIRECT_CODES = (301, 302, 303, 307, 308)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # report the redirect instead of following it


def http_get(url: str, context: ssl.SSLContext | None = None) -> tuple[int, str]:
    """(status, Location header) of one GET, redirects not followed."""
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    if context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(url, timeout=HTTP_TIMEOUT_SECONDS) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


Fetch = Callable[[str], tuple[int, str]]


def health_endpoint(url: str, fetch: Fetch = http_get) -> Result:
    target = url.rstrip("/") + "/health"
    check = "/health answers 200"
    try:
        status, _ = fetch(target)
    except (urllib.error.URLError, OSError) as error:
        return Result(check, Status.FAIL, f"GET {target}: {getattr(error, 'reason', error)}")
    return Result(check, Status.PASS if status == 200 else Status.FAIL, f"GET {target} -> {status}")


def http_redirects_to_https(url: str, fetch: Fetch = http_get) -> Result:
    """With a domain, port 80 only redirects (components/web/load_balancer.py, the HTTP listener)."""
    parts = urlsplit(url)
    plain = f"http://{parts.hostname}/health"
    check = "HTTP redirects to HTTPS"
    try:
        status, location = fetch(plain)
    except (urllib.error.URLError, OSError) as error:
        return Result(check, Status.FAIL, f"GET {plain}: {getattr(error, 'reason', error)}")
    ok = status in REDIRECT_CODES and location.startswith("https://")
    return Result(
        check, Status.PASS if ok else Status.FAIL, f"GET {plain} -> {status} {location}".strip()
    )


def url_results(url: str, fetch: Fetch = http_get) -> list[Result]:
    results = [health_endpoint(url, fetch)]
    if url.startswith("https://"):
        results.append(http_redirects_to_https(url, fetch))
    return results
