"""The header facts every digest format shows: where the article came from and what produced it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from core.article import Article

LANGUAGE_NAMES = {"fa": "Persian", "ar": "Arabic", "en": "English"}


@dataclass(frozen=True)
class Header:
    english_title: str
    about: list[tuple[str, str]]  # how the digest was made, for "About this digest"
    signature: str
    licences: str = ""


def original_link(url: str | None) -> str | None:
    """The article's URL when it is a web address a page may link to (http or https), else None."""
    return url if url and re.match(r"(?i)https?://[^\s]+$", url) else None


def model_line(model: dict[str, Any]) -> str:
    """`alias@revision (engine, precision) [licence]` for one stage's model record."""
    if not model.get("alias"):
        return str(model.get("method") or "no model")
    revision = str(model.get("revision", ""))[:12]
    details = ", ".join(str(model[k]) for k in ("engine", "precision") if model.get(k))
    licence = f" [{licence_of(model)}]" if model.get("license") else ""
    return f"{model.get('alias', '?')}@{revision}" + (f" ({details})" if details else "") + licence


def licence_of(model: dict[str, Any]) -> str:
    """`cc-by-4.0`, or `cc-by-nc-4.0, non-commercial use only`."""
    note = "" if model.get("commercial_use", True) else ", non-commercial use only"
    return f"{model.get('license')}{note}"


def licences_line(models: Iterable[dict[str, Any]]) -> str:
    """`Model licences: alias: licence; …` over the model records that produced an output ("" if none say)."""
    named = sorted({f"{m['alias']}: {licence_of(m)}" for m in models if m.get("alias") and m.get("license")})
    return f"Model licences: {'; '.join(named)}." if named else ""


def header_of(article: Article) -> Header:
    """Title and how the digest was made, in display order; absent facts are left out. The reader's facts
    (outlet, date, link) come from `digest.wording` and each renderer."""
    language = LANGUAGE_NAMES.get(article.language or "", article.language or "unknown")
    if article.language_confidence is not None:
        language += f" (identified with {article.language_confidence:.0%} confidence)"
    timing = sum(v for k, v in article.timings.items() if k.endswith("_s"))
    about = [
        ("Language", language),
        ("Translation", model_line(article.models["translate"]) if "translate" in article.models else
         ("not needed (English source)" if article.language == "en" else "")),
        ("Summary", model_line(article.models["summarize"]) if "summarize" in article.models else
         (article.summary.method if article.summary else "")),
        ("Time taken", f"{timing:.1f} s" if article.timings else ""),
        ("News code", article.news_code or ""),
        ("Article id", article.id),
        ("Source file", article.source_path or ""),
        ("URL", article.url or ""),
    ]
    signature = " · ".join(
        str(article.models[stage].get("signature", model_line(article.models[stage])))
        for stage in ("translate", "summarize") if stage in article.models
    )
    english_title = article.title.english or article.title.source or article.id
    about.append(("Signature", signature))
    return Header(english_title=english_title, about=[(k, v) for k, v in about if v], signature=signature,
                  licences=licences_line(article.models.values()))
