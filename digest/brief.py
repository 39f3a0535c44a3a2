"""The daily English brief: the day's articles grouped into stories, each a short morning read.

JSON (`schema_version` 1), the GUIDE's shape plus documented extra keys::

    {"schema_version": 1,
     "date": "YYYY-MM-DD",                 # the brief's date (--date, default today)
     "range": [first, last],               # published dates covered (null when no article is dated)
     "coverage": "2 of 5 articles dated: 18 March 2024",
     "signature": "...",                   # models that produced translations and summaries
     "stories": [{
        "id": "s1", "headline": "...",     # the lead article's English title (or first summary sentence)
        "lede": "...",                     # one or two sentences over all the story's sources
        "summary": "...",                  # plain text: the lede, then a line per source
        "articles": ["001_...", ...],      # article ids, input order
        "sources": [{"id", "outlet", "outlet_english", "language", "published", "title", "digest", "url",
                     "adds"}],             # digest: relative link; adds: what this source adds
        "differences": {"<article id>": [{"kind": "name|place|number", "english": "Bagheri",
                                          "original": "باقری"}]}}]}   # what only that source reports

Stories are ordered by number of sources, then by their most recent article, then by id.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from digest.brief_inputs import collect_brief_inputs
from digest.index import render_index_html
from digest.jobs import (
    DigestReport,
    SummarySettings,
    digest_articles,
    read_article_json,
    write_reported,
)
from digest.meta import model_line
from digest.stories import evidence_of, group_stories
from digest.story_text import Detail, differences, source_additions, write_lede
from digest.wording import date_coverage, long_date, low_confidence, outlet_names, shorten
from core.article import SCHEMA_VERSION, Article
from core.output import check_writable
from mt.pipeline import TranslateSettings, TranslationSession
from mt.progress import LEDES, Progress

MAX_HEADLINE = 160  # characters
# Writes a story's lede from its articles and its id (`digest.story_text.write_lede` with a summarizer bound).
LedeWriter = Callable[[list[Article], str], str]


@dataclass
class Source:
    id: str
    outlet: str  # as the article names it, "" when it does not
    outlet_english: str  # the English name, or `Unknown outlet`; "" when only the native name is known
    language: str
    published: str | None
    title: str
    digest: str
    url: str | None = None
    adds: str = ""
    low_confidence: int = 0  # sentences of this article the model is least sure of (its digest's "Check first")

    @property
    def native(self) -> str:
        """The outlet's own name to show beside the English one ("" when it is in Latin letters)."""
        return "" if self.outlet.isascii() else self.outlet


@dataclass
class Story:
    id: str
    headline: str
    lede: str
    summary: str
    articles: list[str]
    sources: list[Source]
    differences: dict[str, list[Detail]] = field(default_factory=dict)
    low_confidence: int = 0  # the story's sentences to check before quoting, all sources together


@dataclass
class Brief:
    date: str
    range: list[str | None]
    coverage: str
    stories: list[Story]
    signature: str = ""
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict:
        data = asdict(self)
        return {"schema_version": data.pop("schema_version"), **data}


def source_label(source: Source) -> str:
    """The outlet as plain text: `Tasnim News Agency (خبرگزاری تسنیم)`, the English alone, or the native alone."""
    if source.outlet_english and source.native:
        return f"{source.outlet_english} ({source.native})"
    return source.outlet_english or source.native


def _plain_summary(lede: str, sources: list[Source]) -> str:
    lines = [lede] if lede else []
    lines += [f"{source_label(s)} ({long_date(s.published) or 'undated'}): {s.adds or 'no English summary yet.'}"
              for s in sources]
    return "\n".join(lines)


def extractive_lede(group: list[Article], story_id: str) -> str:
    """The lede without a model: the story's most central, non-redundant sentences."""
    return write_lede(group, story_id, None, "extractive")


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
    return shorten(text or article.id, MAX_HEADLINE)


def _recency(story: list[Article]) -> str:
    return max((a.published or "" for a in story), default="")


def build_brief(articles: list[Article], date: str | None = None, digest_dir: str = "articles",
                lede: LedeWriter = extractive_lede, progress: Progress | None = None) -> Brief:
    """Group, order (most sources, then most recent) and describe the stories of these articles (`progress`:
    one `LEDES` step per story)."""
    groups = sorted(group_stories(articles), key=lambda g: g[0].id)
    groups.sort(key=_recency, reverse=True)  # stable sorts: most sources first, then most recent
    groups.sort(key=len, reverse=True)
    if progress:
        progress.start(LEDES, len(groups))
    stories = []
    for n, group in enumerate(groups, start=1):
        story_id = f"s{n}"
        text = lede(group, story_id)
        if progress:
            progress.advance(LEDES)
        sources = []
        for article, adds in zip(group, source_additions(group, text)):
            sources.append(Source(article.id, article.outlet or "", outlet_names(article)[0], article.language or "",
                                  article.published, article.title.english or article.title.source,
                                  f"{digest_dir}/{article.id}.html", article.url, adds,
                                  len(low_confidence(article))))
        stories.append(Story(
            id=story_id,
            headline=_headline(_lead(group)),
            lede=text,
            summary=_plain_summary(text, sources),
            articles=[a.id for a in group],
            sources=sources,
            differences=differences([evidence_of(a) for a in group]),
            low_confidence=sum(s.low_confidence for s in sources),
        ))
    dates = sorted(a.published for a in articles if a.published)
    models = sorted({model_line(a.models[k]) for a in articles for k in ("translate", "summarize") if k in a.models})
    return Brief(date=date or dt.date.today().isoformat(), range=[dates[0], dates[-1]] if dates else [None, None],
                 coverage=date_coverage([a.published for a in articles]), stories=stories,
                 signature=" · ".join(models))


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


def _lede_summarizer(session: TranslationSession, summary: SummarySettings) -> Any:
    """For `--method abstractive`: the lock's summarizer, fetched on first use and loaded only for a summary or
    lede the cache lacks; shared by the articles' summaries and the ledes (one load per run)."""
    if summary.method != "abstractive":
        return None
    from summarize.engine import LazySummarizer, load_summarizer

    entry = session.lock.summarizer()

    def load() -> Any:
        session.prepare([], also=[entry])
        return load_summarizer(entry, summary.engine, session.settings.device, "auto")

    return LazySummarizer(entry, load)


def _lede_writer(summarizer: Any, summary: SummarySettings, cache: Any) -> LedeWriter:
    """Ledes as the job's summaries are made: abstractive through `summarizer` (and the summary cache), extractive
    for `--method extractive` (and `none`)."""
    if summarizer is None:
        return extractive_lede
    return lambda group, story_id: write_lede(group, story_id, summarizer, "abstractive", summary.options(), cache)


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
    with TranslationSession(settings) as session:
        summarizer = _lede_summarizer(session, summary)
        digest_articles(articles, digest_dir, ["html", "json"], settings, summary, report, progress, summarizer)
        brief = build_brief(report.articles, date, digest_dir.name, _lede_writer(summarizer, summary, session.cache),
                            progress)
    targets = [output] if single else [root / f"brief.{fmt}" for fmt in formats]
    for path in targets:
        fmt = path.suffix.lstrip(".")
        text = (json.dumps(brief.to_dict(), ensure_ascii=False, indent=2) + "\n" if fmt == "json"
                else render_brief(brief, fmt))
        write_reported(path, text, report)
    if "html" in formats or single:
        index = render_index_html(report.articles, ["html", "json"], report.failed, brief=f"../{targets[0].name}")
        write_reported(digest_dir / "index.html", index, report)
    return report
