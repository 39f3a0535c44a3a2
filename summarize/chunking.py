"""Any length of article through a fixed window: chunk at paragraph/sentence boundaries, map-reduce.

Sentences are packed into chunks that fit the model's window (1024 tokens for BART),
keeping paragraphs whole where they fit; a sentence longer than the window alone is cut
at word boundaries. Nothing is dropped: every sentence is in exactly one chunk (a cut
sentence in consecutive ones). Each chunk is summarized (map), the chunk summaries are
joined and summarized again (reduce), recursively until one window holds everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.errors import MtdigestError
from summarize.engine import Limits, Summarizer, SummaryOptions
from core.english import split_english

CountTokens = Callable[[list[str]], list[int]]
MAX_LEVELS = 8


@dataclass
class Chunk:
    units: list[int]  # indices of the input units it holds, in order
    text: str
    tokens: int  # as the encoder sees it, start and end tokens included


@dataclass
class MapReduceTrace:
    """What map-reduce did: the chunks summarized at each level (none when the text fit one window)."""

    levels: list[list[Chunk]] = field(default_factory=list)

    @property
    def chunks(self) -> int:
        return sum(len(level) for level in self.levels)


def _fit(text: str, budget: int, count: CountTokens, overhead: int) -> list[str]:
    """`text` cut at word boundaries (characters for one giant word) into pieces within `budget`."""
    if count([text])[0] - overhead <= budget:
        return [text]
    tokens = text.split()
    if len(tokens) > 1:
        middle = len(tokens) // 2
        halves = [" ".join(tokens[:middle]), " ".join(tokens[middle:])]
    else:
        halves = [text[: len(text) // 2], text[len(text) // 2:]]
    return [piece for half in halves for piece in _fit(half, budget, count, overhead)]


def chunk_texts(units: list[str], groups: list[int], count: CountTokens, window: int) -> list[Chunk]:
    """Pack `units` (sentences; `groups[i]` is the paragraph of unit i) into chunks within `window` tokens."""
    if not units:
        return []
    overhead = count([""])[0]
    budget = window - overhead
    pieces: list[tuple[int, int, str]] = []  # (unit index, group, text)
    for index, (text, group) in enumerate(zip(units, groups)):
        pieces += [(index, group, piece) for piece in _fit(text, budget, count, overhead)]
    # +1: a joining space can cost a token.
    costs = [c - overhead + 1 for c in count([text for _, _, text in pieces])]

    packed: list[list[int]] = [[]]
    used = 0
    start = 0
    while start < len(pieces):
        end = start
        while end < len(pieces) and pieces[end][1] == pieces[start][1]:
            end += 1
        paragraph = list(range(start, end))
        total = sum(costs[i] for i in paragraph)
        if packed[-1] and used + total > budget and total <= budget and used >= budget // 2:
            packed.append([])  # start the paragraph in a fresh chunk rather than split it
            used = 0
        for i in paragraph:
            if packed[-1] and used + costs[i] > budget:
                packed.append([])
                used = 0
            packed[-1].append(i)
            used += costs[i]
        start = end

    chunks: list[Chunk] = []
    queue = [p for p in packed if p]
    while queue:
        members = queue.pop(0)
        text = " ".join(pieces[i][2] for i in members)
        tokens = count([text])[0]
        if tokens > window and len(members) > 1:  # the estimate was short: move the last piece on
            queue.insert(0, [members[-1]] + (queue.pop(0) if queue else []))
            queue.insert(0, members[:-1])
            continue
        units_in = sorted({pieces[i][0] for i in members})
        chunks.append(Chunk(units=units_in, text=text, tokens=tokens))
    return chunks


def summarize_long(
    units: list[str],
    groups: list[int],
    summarizer: Summarizer,
    limits: Limits,
    options: SummaryOptions,
) -> tuple[str, MapReduceTrace]:
    """One summary of all `units`, through map-reduce when they exceed the summarizer's window."""
    trace = MapReduceTrace()
    window = summarizer.window
    cap = max(8, min(options.chunk_summary_tokens, window // 4))
    chunk_limits = Limits(min_tokens=min(limits.min_tokens, cap // 2), max_tokens=cap)
    for _ in range(MAX_LEVELS):
        chunks = chunk_texts(units, groups, summarizer.count_tokens, window)
        if not chunks:
            return "", trace
        if len(chunks) == 1:
            return summarizer.summarize_texts([chunks[0].text], limits, options)[0], trace
        trace.levels.append(chunks)
        summaries = summarizer.summarize_texts([c.text for c in chunks], chunk_limits, options)
        units, groups = [], []
        for number, summary in enumerate(summaries):
            sentences = split_english(summary)
            units += sentences
            groups += [number] * len(sentences)
    raise MtdigestError(f"summary did not fit the {window}-token window after {MAX_LEVELS} map-reduce levels")
