"""URLs as keys: the canonical form that makes one article one entry, and the archive id it gets."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from core.article import safe_id

# Query parameters that track the reader, not the article.
_TRACKING = frozenset({"fbclid", "gclid", "yclid", "mc_cid", "mc_eid", "ref", "rss"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """`url` without what never changes the article: case of scheme and host, default port, fragment,
    tracking parameters (`utm_*`, `fbclid`, ...), parameter order and a trailing `?`."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:  # not a number: the client reports the URL as invalid
        return url.strip()
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not k.lower().startswith("utm_") and k.lower() not in _TRACKING)
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def article_id_for(url: str) -> str:
    """A stable archive id: the page's last path segment (readable) and a hash of its canonical URL (unique)."""
    canonical = canonical_url(url)
    parts = urlsplit(canonical)
    segments = [s for s in unquote(parts.path).split("/") if s]
    slug = (segments[-1].rsplit(".", 1)[0] if segments else "") or parts.hostname or "page"
    return f"{safe_id(slug)[:60]}-{hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:8]}"
