"""The daily English brief: the day's articles grouped into stories, each with who reported what.

JSON (`schema_version` 1), the GUIDE's shape plus documented extra keys::

    {"schema_version": 1,
     "date": "YYYY-MM-DD",                 # the brief's date (--date, default today)
     "range": [first, last],               # published dates covered (null when no article is dated)
     "signature": "...",                   # models that produced translations and summaries
     "stories": [{
        "id": "s1", "headline": "...",     # the lead article's English title (or first summary sentence)
        "summary": "...",                  # which outlet reported what, and details only one reports
        "articles": ["001_...", ...],      # article ids, input order
        "sources": [{"id", "outlet", "language", "published", "title", "digest"}],  # digest: relative link
        "common": ["باقری", "Syria", ...], # names, places, numbers every source reports
        "only_in": {"<article id>": ["2011", ...]}}]}   # details only that source reports

Stories are ordered by number of sources, then by their most recent article, then by id.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from digest.brief_inputs import collect_brief_inputs
from digest.jobs import (
    DigestReport,
    SummarySettings,
    digest_articles,
    read_article_json,
    write_reported,
)
from digest.meta import LANGUAGE_NAMES, model_line
from digest.stories import Evidence, evidence_of, group_stories
from mt.article import SCHEMA_VERSION, Article
from mt.output import check_writable
from mt.pipeline import TranslateSettings
from mt.progress import Progress

SUMMARY_SENTENCES_PER_SOURCE = 2
MAX_HEADLINE = 160  # characters


@dataclass
class Source:
    id: str
    outlet: str
    language: str
    published: str | None
    title: str
    digest: str


@dataclass
class Story:
    id: str
    headline: str
    summary: str
    articles: list[str]
    sources: list[Source]
    common: list[str] = field(default_factory=list)
    only_in: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Brief:
    date: str
    range: list[str | None]
    stories: list[Story]
    signature: str = ""
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict:
        data = asdict(self)
        return {"schema_version": data.pop("schema_version"), **data}


def _outlet(article: Article) -> str:
    return article.outlet or article.id


def _detail(item: str) -> str:
    """An evidence item as shown to readers: the name or number alone."""
    return item.split(":", 1)[1]


def _details(items: frozenset[str] | set[str]) -> list[str]:
    """Readable items (names in their folded source spelling, places in English, numbers), skeletons left out."""
    return sorted(_detail(i) for i in items if not i.startswith("skeleton:"))


def _common(evidence: list[Evidence]) -> list[str]:
    return _details(frozenset.intersection(*(e.items for e in evidence))) if len(evidence) > 1 else []


def _only_in(evidence: list[Evidence]) -> dict[str, list[str]]:
    """Details (names, places, numbers) one source reports and the others in the story do not."""
    if len(evidence) < 2:
        return {}
    result = {}
    for e in evidence:
        others = set().union(*(o.items for o in evidence if o is not e))
        details = _details(e.items - others)
        if details:
            result[e.article.id] = details
    return result


def _story_summary(articles: list[Article], only_in: dict[str, list[str]]) -> str:
    """Which outlet reported what: each source's leading summary sentences, attributed, then the
    details only one source reports."""
    parts = []
    if len(articles) > 1:
        parts.append(f"Reported by {len(articles)} sources: {', '.join(_outlet(a) for a in articles)}.")
    for article in articles:
        sentences = article.summary.sentences if article.summary else []
        text = " ".join(s.english for s in sentences[:SUMMARY_SENTENCES_PER_SOURCE]).strip()
        language = LANGUAGE_NAMES.get(article.language or "", article.language or "")
        text = text or article.title.english or "no English summary yet."
        parts.append(f"{_outlet(article)} ({language}{', ' + article.published if article.published else ''}): "
                     f"{text}")
    for article in articles:
        if only_in.get(article.id):
            parts.append(f"Only {_outlet(article)} mentions: {', '.join(only_in[article.id])}.")
    return " ".join(parts)


def _lead(story: list[Article]) -> Article:
    """The article whose title heads the story: an English original, else the longest article."""
    return max(story, key=lambda a: (a.language == "en", len(a.sentences())))


def _headline(article: Article) -> str:
    """The lead's English title, else its first summary sentence; a runaway translation is cut short."""
    if article.language == "en":
        text = article.title.source
    elif article.title.english:
        text = article.title.english
    elif article.summary and article.summary.sentences:
        text = article.summary.sentences[0].english
    else:
        text = article.title.source
    text = " ".join((text or article.id).split())
    return text if len(text) <= MAX_HEADLINE else text[:MAX_HEADLINE].rsplit(" ", 1)[0] + " …"


def _recency(story: list[Article]) -> str:
    return max((a.published or "" for a in story), default="")


def build_brief(articles: list[Article], date: str | None = None, digest_dir: str = "articles") -> Brief:
    """Group, order (most sources, then most recent) and describe the stories of these articles."""
    groups = sorted(group_stories(articles), key=lambda g: g[0].id)
    groups.sort(key=_recency, reverse=True)  # stable sorts: most sources first, then most recent
    groups.sort(key=len, reverse=True)
    stories = []
    for n, group in enumerate(groups, start=1):
        evidence = [evidence_of(a) for a in group]
        only_in = _only_in(evidence)
        stories.append(Story(
            id=f"s{n}",
            headline=_headline(_lead(group)),
            summary=_story_summary(group, only_in),
            articles=[a.id for a in group],
            sources=[Source(a.id, _outlet(a), a.language or "", a.published, a.title.english or a.title.source,
                            f"{digest_dir}/{a.id}.html") for a in group],
            common=_common(evidence),
            only_in=only_in,
        ))
    dates = sorted(a.published for a in articles if a.published)
    models = sorted({model_line(a.models[k]) for a in articles for k in ("translate", "summarize") if k in a.models})
    return Brief(date=date or dt.date.today().isoformat(), range=[dates[0], dates[-1]] if dates else [None, None],
                 stories=stories, signature=" · ".join(models))


def in_range(article: Article, since: str | None, until: str | None) -> bool:
    """Whether the article's date is within [since, until]; undated articles are kept."""
    if not article.published:
        return True
    return (since is None or article.published >= since) and (until is None or article.published <= until)


def reuse_digests(articles: list[Article], digest_dir: Path) -> list[Article]:
    """Articles already digested earlier (same sentences) come back from their JSON: no model time."""
    reused = []
    for article in articles:
        path = digest_dir / f"{article.id}.json"
        earlier = next(iter(read_article_json(str(path))), None) if path.is_file() else None
        same = isinstance(earlier, Article) and [s.source for s in earlier.sentences()] == [
            s.source for s in article.sentences()]
        reused.append(earlier if same else article)  # type: ignore[arg-type]
    return reused


def run_brief(
    inputs: Sequence[str], output: Path, formats: Sequence[str], settings: TranslateSettings,
    summary: SummarySettings, date: str | None = None, since: str | None = None, until: str | None = None,
    progress: Progress | None = None,
) -> DigestReport:
    """Digest what is not digested yet, group into stories, write the brief (and each article's digest)."""
    from digest.brief_render import render_brief

    single = output.suffix.lower() in (".html", ".md", ".json")
    root = output.parent if single else output
    digest_dir = root / (f"{output.stem}-articles" if single else "articles")
    check_writable(digest_dir)
    articles, failed = collect_brief_inputs(inputs)
    articles = reuse_digests([a for a in articles if in_range(a, since, until)], digest_dir)
    report = DigestReport(failed=failed)
    digest_articles(articles, digest_dir, ["html", "json"], settings, summary, report, progress)
    brief = build_brief(report.articles, date, digest_dir.name)
    targets = [output] if single else [root / f"brief.{fmt}" for fmt in formats]
    for path in targets:
        fmt = path.suffix.lstrip(".")
        text = (json.dumps(brief.to_dict(), ensure_ascii=False, indent=2) + "\n" if fmt == "json"
                else render_brief(brief, fmt))
        write_reported(path, text, report)
    return report
