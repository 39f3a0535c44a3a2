"""The Persian and Arabic outlets this press cites, by their English names.

An article's outlet is stated in its own script (`خبرگزاری تسنیم`, `موقع المنار`) or known only
from its URL; an English reader needs `Tasnim News Agency` beside it. Names match whole, after
folding (`core.normalize.fold`: letter variants, ZWNJ, digits) and without the generic words
that precede an outlet's name (`خبرگزاری`, `پایگاه خبری`, `موقع`, `قناة`, `وكالة`), so `تسنیم`,
`خبرگزاری تسنیم` and `Tasnim` are one outlet while `العربية` inside a sentence is not an outlet.
Domains match the URL's host or any subdomain of it (`en.irna.ir`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.normalize import fold


@dataclass(frozen=True)
class Outlet:
    english: str
    native: tuple[str, ...]
    domains: tuple[str, ...] = ()


OUTLETS = (
    Outlet("Tasnim News Agency", ("تسنیم", "Tasnim"), ("tasnimnews.com", "tasnimnews.ir")),
    Outlet("ISNA", ("ایسنا", "خبرگزاری دانشجویان ایران", "ISNA"), ("isna.ir",)),
    Outlet("ISCA News", ("ایسکانیوز", "ایسکا", "ISCA News"), ("iscanews.ir",)),
    Outlet("Fars News Agency", ("فارس", "Fars"), ("farsnews.ir", "farsnews.com")),
    Outlet("IRNA", ("ایرنا", "خبرگزاری جمهوری اسلامی", "IRNA"), ("irna.ir",)),
    Outlet("Mehr News Agency", ("مهر", "Mehr"), ("mehrnews.com", "mehrnews.ir")),
    Outlet("Saat24", ("ساعت 24", "Saat24", "Saat 24"), ("saat24.news", "saat24.com")),
    Outlet("Sepah News", ("سپاه نیوز", "Sepah News"), ("sepahnews.ir", "sepahnews.com")),
    Outlet("Young Journalists Club", ("باشگاه خبرنگاران جوان", "YJC"), ("yjc.ir", "yjc.news")),
    Outlet("Tabnak", ("تابناک", "Tabnak"), ("tabnak.ir",)),
    Outlet("Khabar Online", ("خبرآنلاین", "Khabar Online"), ("khabaronline.ir",)),
    Outlet("Press TV", ("پرس تی وی", "Press TV"), ("presstv.ir", "presstv.com")),
    Outlet("Al-Manar", ("المنار", "قناة المنار", "Al-Manar", "Al Manar"), ("almanar.com.lb",)),
    Outlet("Al-Araby Al-Jadeed", ("العربي الجديد", "Al-Araby Al-Jadeed", "The New Arab"),
           ("alaraby.co.uk", "newarab.com")),
    Outlet("Al Jazeera", ("الجزيرة", "الجزيرة نت", "Al Jazeera"), ("aljazeera.net", "aljazeera.com")),
    Outlet("Al-Mayadeen", ("الميادين", "Al-Mayadeen", "Al Mayadeen"), ("almayadeen.net",)),
    Outlet("SANA", ("سانا", "الوكالة العربية السورية للأنباء", "SANA"), ("sana.sy",)),
    Outlet("Al-Alam", ("قناة العالم", "Al-Alam"), ("alalam.ir",)),
    Outlet("Al Arabiya", ("العربية نت", "Al Arabiya"), ("alarabiya.net",)),
    Outlet("Asharq Al-Awsat", ("الشرق الأوسط", "Asharq Al-Awsat"), ("aawsat.com",)),
    Outlet("BBC Persian", ("بی‌بی‌سی فارسی", "BBC Persian"), ()),
    Outlet("BBC Arabic", ("بي بي سي عربي", "BBC Arabic"), ()),
)

# Generic words before an outlet's own name, as folded text (longest first, so `موقع قناة` goes whole).
_GENERIC = sorted((fold(w) for w in """
خبرگزاری|پایگاه خبری|پایگاه اطلاع رسانی|پایگاه|روزنامه|سایت|شبکه|موقع قناة|موقع|قناة|وكالة أنباء|وكالة|صحيفة|جريدة|
news agency|agency|the
""".replace("\n", "").split("|") if w.strip()), key=len, reverse=True)
_SPACES = re.compile(r"[\s\-‐_.]+")


def _key(name: str) -> str:
    """The matching key of an outlet name: folded, generic leading words off, no spaces or hyphens."""
    key = fold(name)
    stripped = True
    while stripped:
        stripped = False
        for word in _GENERIC:
            if key.startswith(word + " ") and len(key) > len(word) + 1:
                key, stripped = key[len(word) + 1:], True
                break
    return _SPACES.sub("", key)


_BY_NAME = {_key(name): outlet for outlet in OUTLETS for name in (*outlet.native, outlet.english)}


def _host(url: str) -> str:
    try:
        return (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    except ValueError:
        return ""


def find_outlet(name: str | None = None, url: str | None = None) -> Outlet | None:
    """The gazetteer outlet named `name` (in any script) or, failing that, serving `url`."""
    if name and (outlet := _BY_NAME.get(_key(name))):
        return outlet
    host = _host(url) if url else ""
    for outlet in OUTLETS if host else ():
        if any(host == d or host.endswith("." + d) for d in outlet.domains):
            return outlet
    return None


def outlet_english(name: str | None = None, url: str | None = None) -> str | None:
    """The English name of the outlet, when the gazetteer knows it."""
    outlet = find_outlet(name, url)
    return outlet.english if outlet else None
