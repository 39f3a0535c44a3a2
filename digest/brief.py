"""The daily English brief: the day's articles grouped into stories, each with who reported what.

JSON (`schema_version` 1): `{"schema_version", "date", "range": [first, last] published dates,
"signature", "stories": [{"id", "headline", "summary", "articles": [ids], "sources": [{"id",
"outlet", "language", "published", "title", "digest"}], "only_in": {article id: [details only that
source reports]}}]}`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from digest.jobs import DigestReport, SummarySettings, collect, digest_articles, read_article_json
from digest.meta import LANGUAGE_NAMES, model_line
from digest.stories import Evidence, evidence_of, group_stories
from mt.article import SCHEMA_VERSION, Article
from mt.output import write_atomic
from mt.pipeline import TranslateSettings
from mt.translate import ProgressCallback

SUMMARY_SENTENCES_PER_SOURCE = 2


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


def _story_summary(articles: list[Article]) -> str:
    """Which outlet reported what: each source's leading summary sentences, attributed."""
    parts = []
    for article in articles:
        sentences = article.summary.sentences if article.summary else []
        text = " ".join(s.english for s in sentences[:SUMMARY_SENTENCES_PER_SOURCE]).strip()
        language = LANGUAGE_NAMES.get(article.language or "", article.language or "")
        parts.append(f"{_outlet(article)} ({language}{', ' + article.published if article.published else ''}): "
                     f"{text or article.title.english or ''}")
    return " ".join(parts)


def _only_in(evidence: list[Evidence]) -> dict[str, list[str]]:
    """Details (numbers, names) one source reports and the others in the story do not."""
    if len(evidence) < 2:
        return {}
    result = {}
    for e in evidence:
        others = set().union(*(o.items for o in evidence if o is not e))
        details = sorted(i.split(":", 1)[1] for i in e.items - others if not i.startswith("en:"))
        if details:
            result[e.article.id] = details
    return result


def _recency(story: list[Article]) -> str:
    return max((a.published or "" for a in story), default="")


def build_brief(articles: list[Article], date: str | None = None, digest_dir: str = "articles") -> Brief:
    """Group, order (most sources, then most recent) and describe the stories of these articles."""
    groups = sorted(group_stories(articles), key=lambda g: g[0].id)
    groups.sort(key=_recency, reverse=True)  # stable sorts: most sources first, then most recent
    groups.sort(key=len, reverse=True)
    stories = []
    for n, group in enumerate(groups, start=1):
        lead = next((a for a in group if a.language == "en"), group[0])
        stories.append(Story(
            id=f"s{n}",
            headline=lead.title.english or lead.title.source or lead.id,
            summary=_story_summary(group),
            articles=[a.id for a in group],
            sources=[Source(a.id, _outlet(a), a.language or "", a.published, a.title.english or a.title.source,
                            f"{digest_dir}/{a.id}.html") for a in group],
            only_in=_only_in([evidence_of(a) for a in group]),
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
    progress: ProgressCallback | None = None,
) -> DigestReport:
    """Digest what is not digested yet, group into stories, write the brief (and each article's digest)."""
    from digest.brief_render import render_brief

    single = output.suffix.lower() in (".html", ".md", ".json")
    root = output.parent if single else output
    digest_dir = root / (f"{output.stem}-articles" if single else "articles")
    articles, failed = collect(inputs, from_json=False)
    articles = reuse_digests([a for a in articles if in_range(a, since, until)], digest_dir)
    report = DigestReport(failed=failed)
    digest_articles(articles, digest_dir, ["html", "json"], settings, summary, report, progress)
    brief = build_brief(report.articles, date, digest_dir.name)
    targets = [output] if single else [root / f"brief.{fmt}" for fmt in formats]
    for path in targets:
        fmt = path.suffix.lstrip(".")
        text = (json.dumps(brief.to_dict(), ensure_ascii=False, indent=2) + "\n" if fmt == "json"
                else render_brief(brief, fmt))
        write_atomic(path, text)
        report.written.append(path)
    return report
