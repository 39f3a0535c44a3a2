"""The article data model shared by every stage (schema_version 1, see README).

Each stage fills in fields of the same objects, so a Python user can run any
stage on its own and the JSON that `inspect`, `translate` and `digest` emit is
one schema.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
import re
from dataclasses import dataclass, field
from typing import Any

from core.errors import InputError, MtdigestError

SCHEMA_VERSION = 1


def content_id(text: str | bytes) -> str:
    """A short, stable id for text that has no file name (stdin, records without an id)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()[:12]


# Ids name output files (`DIR/<id>.html`) and links between them: one plain file name, no path, no URL scheme.
_UNSAFE_ID = re.compile(r"[^\w.\-]+")
_MAX_ID = 120


def safe_id(raw: str) -> str:
    """`raw` (a record's id, a file name) as an article id that is one plain file name: characters other than
    letters, digits, `_`, `.` and `-` become `_` and no leading dot, so `../../x` or `javascript:x` can neither
    write outside the output directory nor become a link that runs code."""
    cleaned = _UNSAFE_ID.sub("_", raw).lstrip(".")[:_MAX_ID]
    return cleaned or content_id(raw)


def article_error(article: Article, problem: str | MtdigestError) -> InputError:
    """`problem` as this article's error (naming its file), so a batch drops this article and no other
    article read from the same file; an error that is already this article's is returned as it is."""
    if isinstance(problem, InputError) and problem.article_id == article.id:
        return problem
    if isinstance(problem, InputError) and problem.path == (article.source_path or article.id):
        problem = problem.problem
    return InputError(article.source_path or article.id, str(problem), article_id=article.id)


# Names the commands write beside the articles' own files (`index.html`, `brief.json`).
RESERVED_IDS = frozenset({"index", "brief"})


def unique_ids(articles: list[Article]) -> None:
    """Make every id of one run unique, since ids name output files: two articles that share an id
    (`a/x.txt` and `b/x.txt`, a wget mirror's `…/index.html`, ids equal once `safe_id` cleaned or cut them,
    or equal but for case) or use a reserved name get `-<hash of their text>`, stable across re-runs;
    identical copies get `-2`, `-3` after that, in input order."""
    groups: dict[str, list[Article]] = {}
    for article in articles:
        groups.setdefault(article.id.lower(), []).append(article)
    taken = set(groups)
    for key, group in groups.items():
        if len(group) == 1 and key not in RESERVED_IDS:
            continue
        for article in group:
            base = f"{article.id}-{fingerprint(article)[:8]}"
            new, copy = base, 1
            while new.lower() in taken:
                copy += 1
                new = f"{base}-{copy}"
            taken.add(new.lower())
            article.id = new


def fingerprint(article: Article) -> str:
    """A hash of the article's text as written (title and every source sentence)."""
    return content_id("\n".join([article.title.source, *(s.source for s in article.sentences())]))


@dataclass
class Flag:
    """A quality note on a sentence or summary sentence (code + short reason)."""

    code: str
    detail: str = ""


@dataclass
class Sentence:
    """One source sentence; `source` is kept byte for byte as written.

    `merged_into`: the id of the sentence whose `english` also covers this one (a 2–1
    alignment of an external translation, `mtdigest compare`); this one's `english` is "".
    """

    id: str
    source: str
    normalized: str
    english: str | None = None
    language: str | None = None
    flags: list[Flag] = field(default_factory=list)
    merged_into: str | None = None
    # The model's own confidence in its English: exp(mean log-probability per token), in [0, 1].
    confidence: float | None = None
    # chrF (0-100) between the source and our English translated back into it (`--qe roundtrip`, `mt.qa.roundtrip`).
    roundtrip_chrf: float | None = None


@dataclass
class Paragraph:
    id: str
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class Title:
    source: str = ""
    english: str | None = None
    confidence: float | None = None


@dataclass
class Removed:
    """A line dropped as page furniture, with the reason, so users can audit it."""

    text: str
    reason: str


@dataclass
class SummarySentence:
    english: str
    support: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)


@dataclass
class Summary:
    method: str
    sentences: list[SummarySentence] = field(default_factory=list)
    back_translation: str | None = None


@dataclass
class Article:
    id: str
    source_path: str | None = None
    url: str | None = None
    language: str | None = None
    language_confidence: float | None = None
    title: Title = field(default_factory=Title)
    published: str | None = None
    published_as_written: str | None = None
    outlet: str | None = None
    outlet_english: str | None = None  # the outlet's English name (`ingest.outlets`), the native one in `outlet`
    author: str | None = None
    news_code: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    summary: Summary | None = None
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION

    def sentences(self) -> list[Sentence]:
        """All sentences in document order."""
        return [s for p in self.paragraphs for s in p.sentences]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the data model, `schema_version` first."""
        data = dataclasses.asdict(self)
        return {"schema_version": data.pop("schema_version"), **data}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Rebuild an article from its JSON object (e.g. an earlier digest)."""
        version = data.get("schema_version", SCHEMA_VERSION)
        if type(version) is not int or version != SCHEMA_VERSION:
            raise ValueError(f"unsupported schema_version {version!r} (a {type(version).__name__}; this tool reads "
                             f"the number {SCHEMA_VERSION})")
        summary = data.get("summary")
        article = cls(
            id=safe_id(data["id"]),  # JSON from elsewhere names output files too
            source_path=data.get("source_path"),
            url=data.get("url"),
            language=data.get("language"),
            language_confidence=data.get("language_confidence"),
            title=Title(**(data.get("title") or {})),
            published=data.get("published"),
            published_as_written=data.get("published_as_written"),
            outlet=data.get("outlet"),
            outlet_english=data.get("outlet_english"),
            author=data.get("author"),
            news_code=data.get("news_code"),
            paragraphs=[
                Paragraph(
                    id=p["id"],
                    sentences=[
                        Sentence(**{**s, "flags": [Flag(**f) for f in s.get("flags", [])]})
                        for s in p.get("sentences", [])
                    ],
                )
                for p in data.get("paragraphs", [])
            ],
            removed=[Removed(**r) for r in data.get("removed", [])],
            summary=None
            if summary is None
            else Summary(
                method=summary["method"],
                sentences=[
                    SummarySentence(
                        english=s["english"],
                        support=list(s.get("support", [])),
                        flags=[Flag(**f) for f in s.get("flags", [])],
                    )
                    for s in summary.get("sentences", [])
                ],
                back_translation=summary.get("back_translation"),
            ),
            models=dict(data.get("models") or {}),
            timings=dict(data.get("timings") or {}),
        )
        counts = Counter([p.id for p in article.paragraphs] + [s.id for s in article.sentences()])
        repeated = sorted(i for i, n in counts.items() if n > 1)
        if repeated:  # ids are anchors (`#p3.s2`) and alignment keys: each must name one place
            raise ValueError(f"paragraph/sentence id {repeated[0]!r} appears more than once")
        return article
