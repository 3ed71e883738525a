"""Is the provider there at all? One quick request before a run, instead of finding out per article.

A provider that is down when a batch starts would otherwise cost every article its full retry
schedule (tens of seconds each) before failing with a transport error. ``probe`` sends one
``GET`` to the base URL: any HTTP answer (even 401 or 404) means something is listening, which
is all it checks; the model and key are the real requests' business. Connection refused, a
host name that does not resolve, TLS failure or no answer within ``timeout`` give a message
naming the URL and what to check.

httpx is already a dependency (the OpenAI client uses it); it reads proxy settings from the
environment like the real client does, so the probe takes the same route.
"""

from __future__ import annotations

import ssl

import httpx

_HOW = "check that the server is running and the URL is right (--base-url, SUMMARIZER_BASE_URL or the TOML file)"


def _cause(exc: BaseException) -> str:
    text = str(exc).lower()
    if isinstance(exc, httpx.TimeoutException):
        return "no answer within the timeout"
    if "name or service not known" in text or "nodename nor servname" in text or "temporary failure in name resolution" in text or "getaddrinfo" in text:
        return "host name not found"
    if "connection refused" in text or "errno 111" in text:
        return "connection refused"
    if isinstance(exc.__cause__ or exc.__context__, ssl.SSLError) or "ssl" in text or "certificate" in text:
        return f"TLS handshake failed ({exc})"
    return str(exc) or type(exc).__name__


def probe(base_url: str, timeout: float = 5.0) -> str | None:
    """None when something answers HTTP at ``base_url``; otherwise a message saying what failed."""
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            client.get(base_url)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        return f"provider URL {base_url!r} is not a valid http(s) URL ({exc})"
    except httpx.TransportError as exc:
        return f"cannot reach the provider at {base_url}: {_cause(exc)}; {_HOW}"
    except httpx.HTTPError as exc:  # anything else httpx raises before an answer
        return f"cannot reach the provider at {base_url}: {exc}; {_HOW}"
    return None
