"""Real published translations (tests/data/parallel, NTREX-128) laid out as articles, perturbed, and scored.

Each document is line-aligned: line k of `<doc>.en.txt` is the published English of line k of
`<doc>.ar.txt` / `<doc>.fa.txt` (a unit: a headline or a segment of the article). An article is
built from the source lines (headline, then paragraphs of units), its English from the English
lines with the same paragraphs, and then the English is perturbed as a translator or an editor
would: a paragraph dropped, two merged, one split, one moved.

The score is the issue's: the share of source units whose sentences are linked to exactly the
English sentences of that unit (nothing, for a unit whose English was dropped). A sentence that
runs over two units on either side (a line of the published text that does not end a sentence)
makes those units one.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import Path

from ingest import read_inputs
from core.article import Article
from mt.qa.compare import Comparison, compare_translation, english_paragraphs

DATA = Path(__file__).resolve().parent / "data" / "parallel"
DOCUMENTS = ("welsh", "harlem", "shark", "sainsburys")
LANGUAGES = ("ar", "fa")
# Units per paragraph after the headline, cycled: news paragraphs of one to three sentences.
NEWS_PARAGRAPHS = (2, 1, 3, 2, 1, 2)
RLM = "\u200f"


@dataclass
class Text:
    """One real translation: source and English units, grouped into the same paragraphs."""

    name: str
    language: str
    source: list[list[str]]  # paragraphs of source units
    english: list[list[str | None]]  # paragraphs of English units (None: not there)

    def units(self) -> list[tuple[int, str]]:
        return [(k, u) for k, u in enumerate(u for p in self.source for u in p)]


def load(name: str, language: str, layout: str = "news") -> Text:
    """`layout`: "news" (paragraphs of 1–3 units after the headline) or "lines" (one unit a paragraph)."""
    source = (DATA / f"{name}.{language}.txt").read_text(encoding="utf-8").splitlines()
    english = (DATA / f"{name}.en.txt").read_text(encoding="utf-8").splitlines()
    assert len(source) == len(english), name
    sizes = [1] + ([1] * (len(source) - 1) if layout == "lines" else _cycle(len(source) - 1))
    paragraphs_s, paragraphs_e, k = [], [], 0
    for size in sizes:
        paragraphs_s.append(source[k:k + size])
        paragraphs_e.append(list(english[k:k + size]))
        k += size
    return Text(f"{name}.{language}", language, paragraphs_s, paragraphs_e)


def _cycle(total: int) -> list[int]:
    sizes: list[int] = []
    while sum(sizes) < total:
        sizes.append(min(NEWS_PARAGRAPHS[len(sizes) % len(NEWS_PARAGRAPHS)], total - sum(sizes)))
    return sizes


def drop(text: Text, paragraph: int) -> Text:
    english = [list(p) for p in text.english]
    english[paragraph] = [None] * len(english[paragraph])
    return Text(text.name + "-drop", text.language, text.source, english)


def splittable(text: Text, start: int) -> int | None:
    """The first paragraph from `start` on with more than one unit (one to split), if any."""
    return next((k for k in range(start, len(text.english)) if len(text.english[k]) > 1), None)


def rtl_marked(text: Text) -> Text:
    """The source as copied from Arabic web pages and Word: every full stop wrapped in right-to-left marks."""
    source = [[u.replace(".", f"{RLM}.{RLM}") for u in p] for p in text.source]
    return Text(text.name + "-rlm", text.language, source, text.english)


Sent = list[list[tuple[int, str]]]  # the English as sent: paragraphs of (unit, English)


def english_sent(text: Text, merge: int | None = None, split: int | None = None,
                 move: tuple[int, int] | None = None, breaks: bool = True) -> Sent:
    """The English paragraphs as sent: `merge` joins paragraph `merge` with the next, `split` breaks paragraph
    `split` after its first unit, `move` = (from, to) moves a paragraph, `breaks=False` runs it all together."""
    paragraphs: Sent = []
    k = 0
    for paragraph in text.english:
        paragraphs.append([(k + n, u) for n, u in enumerate(paragraph) if u is not None])
        k += len(paragraph)
    order = list(range(len(paragraphs)))
    if move:
        order.insert(move[1], order.pop(move[0]))
    out: Sent = []
    for k in order:
        units = paragraphs[k]
        if not units:
            continue
        if k == split and len(units) > 1:
            out += [units[:1], units[1:]]
        elif merge is not None and k == merge + 1 and out:
            out[-1] = out[-1] + units
        else:
            out.append(units)
    return out if breaks else [[u for p in out for u in p]]


def as_text(sent: Sent) -> str:
    return "\n\n".join(" ".join(u for _, u in p) for p in sent) + "\n"


def article(text: Text, tmp: Path) -> Article:
    """The source ingested like any input (paragraphs by blank lines)."""
    path = tmp / f"{text.name}.txt"
    path.write_text("\n\n".join(" ".join(p) for p in text.source) + "\n", encoding="utf-8")
    (item,) = list(read_inputs([str(path)]))
    assert isinstance(item, Article), item
    return item


def score(text: Text, comparison: Comparison, sent: Sent) -> tuple[int, int]:
    """(units linked to exactly their English, units), units joined where a sentence spans them."""
    article_ = comparison.article
    numbers = [list(range(sum(map(len, text.source[:k])), sum(map(len, text.source[:k + 1]))))
               for k in range(len(text.source))]
    titled = bool(article_.title.source)  # ingest may take the headline for the title: then it is unit 0
    source_units = ([[0]] if titled else []) + _units(
        text.source[titled:], [[s.source for s in p.sentences] for p in article_.paragraphs], numbers[titled:])
    english_units = _units([[u for _, u in p] for p in sent], english_paragraphs(as_text(sent)),
                           [[k for k, _ in p] for p in sent])
    assert len(comparison.english) == len(english_units) and len(article_.sentences()) + titled == len(source_units)
    groups = _Groups(len(text.units()))
    for units in [*source_units, *english_units]:
        for u in units[1:]:
            groups.join(units[0], u)
    linked: dict[int, set[int]] = {}
    for bead in comparison.alignment.beads:
        for i in bead.source:
            for u in source_units[i]:
                linked.setdefault(groups.find(u), set()).update(bead.english)
    gold: dict[int, set[int]] = {}
    for j, units in enumerate(english_units):
        gold.setdefault(groups.find(units[0]), set()).add(j)
    roots = {groups.find(u) for u, _ in text.units()}
    hit = sum(1 for r in roots if linked.get(r, set()) == gold.get(r, set()))
    return hit, len(roots)


def _units(paragraphs: list[list[str]], sentences: list[list[str]], numbers: list[list[int]]) -> list[list[int]]:
    """The units each sentence touches, by its offset in its paragraph's text (whitespace collapsed)."""
    assert len(paragraphs) == len(sentences), (len(paragraphs), len(sentences))
    out: list[list[int]] = []
    for units, found, unit_numbers in zip(paragraphs, sentences, numbers):
        units = [" ".join(u.split()) for u in units]
        joined = " ".join(units)
        starts = [sum(len(u) + 1 for u in units[:k]) for k in range(len(units))]
        cursor = 0
        for sentence in found:
            sentence = " ".join(sentence.split())
            at = joined.find(sentence, cursor)
            assert at >= 0, sentence
            end = cursor = at + len(sentence)
            out.append([unit_numbers[k] for k, s in enumerate(starts) if s < end and s + len(units[k]) > at])
    return out


class _Groups:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


class OursCache:
    """Our own translation of each source article by a locked model (the tiny test models here), as
    `mtdigest compare` makes it, all articles in one batch (one model load)."""

    def __init__(self, models: Path, cache: Path) -> None:  # cache: the translation cache file
        self.models, self.cache = models, cache
        self.done: dict[str, dict[str, str]] = {}

    def translate(self, sources: list[Article]) -> None:
        from mt.pipeline import TranslateSettings, translate_inputs

        todo = [copy.deepcopy(a) for a in {self._key(a): a for a in sources if self._key(a) not in self.done}.values()]
        saved = {k: os.environ.get(k) for k in ("MTDIGEST_HOME", "MTDIGEST_CACHE")}
        os.environ.update(MTDIGEST_HOME=str(self.models / "home"), MTDIGEST_CACHE=str(self.cache))
        try:
            job = translate_inputs(todo, TranslateSettings(lock_path=self.models / "models.lock",
                                                           engine="transformers", beam_size=1))
        finally:
            for k, v in saved.items():
                os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
        assert not job.failed, job.failed
        for ours in todo:
            self.done[self._key(ours)] = {"title": ours.title.english or "",
                                          **{s.id: s.english or "" for s in ours.sentences()}}

    def __call__(self, source: Article) -> dict[str, str]:
        if self._key(source) not in self.done:
            self.translate([source])
        return self.done[self._key(source)]

    @staticmethod
    def _key(source: Article) -> str:
        return "\n".join([source.title.source, *(s.source for s in source.sentences())])


def compare(text: Text, tmp: Path, sent: Sent, ours: OursCache | None = None) -> tuple[int, int]:
    """Compare the text's English with its source article (and our translation of it) and score the links."""
    source = article(text, tmp)
    comparison = compare_translation(source, as_text(sent), ours(source) if ours else None)
    return score(text, comparison, sent)
