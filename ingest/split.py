"""One text, several articles: a day's articles pasted into one file, each closed by its outlet's mark.

`split_articles(lines)` gives the line each article starts at (`[0]` for a text of one article).
A new article starts after a *closing* line (an end-of-article mark, a source line, a comment or
"latest news" heading) that comes after article prose, when what follows is

- a header (a title, perhaps with page furniture: navigation, an ad, a news code, a date) and then
  article prose: 2+ sentence-like lines, 40+ words, three times as many as the other unlabelled lines
  up to the next closing (a list of headlines with teasers, or comments under their authors' names, are not);
  after a source line the header must also hold page furniture, since "المصدر: ..." may end a quote;
  after a comment or "latest news" heading, page furniture, or an end mark or source line closing the prose;
- or, after an end mark, article prose straight away that is itself closed by an end mark.

Prose straight after an end mark that no other end mark closes is a second part of the same article
(`strip_boilerplate` keeps it). The furniture after an article's closing stays with that article; the
header of the next one (from its first navigation, ad or headline line) goes with the next.
"""

from __future__ import annotations

from ingest.boilerplate import is_body_like, is_prose, pattern_reason

CLOSINGS = frozenset({"end_marker", "source", "comments_heading", "related"})
# Furniture that closes a page: the search for the next article's header stops at it.
_TAIL = CLOSINGS | {"tags", "comment_rules", "captcha"}
_PAGE_FURNITURE = frozenset({"navigation", "advertisement", "news_code", "date"})
# Furniture that ends a page as often as it opens one: left to the article before when it leads a header.
_AMBIGUOUS_LEAD = frozenset({"news_code", "widget"})
_MAX_HEADER = 15  # lines between a closing's furniture and the prose: title, kicker, author, captions, ...
_MIN_LINES, _MIN_WORDS = 2, 40


class _Lines:
    """The non-blank lines with their pattern reasons, and running counts for spans of them."""

    def __init__(self, lines: list[str]) -> None:
        self.index = [i for i, line in enumerate(lines) if line.strip()]
        self.lines = [lines[i] for i in self.index]
        self.reasons = [pattern_reason(line)[0] for line in self.lines]
        self.prose = [is_prose(line, r) for line, r in zip(self.lines, self.reasons)]
        n = len(self.lines)
        self.prose_lines, self.prose_words, self.plain = [0] * (n + 1), [0] * (n + 1), [0] * (n + 1)
        for p in range(n):
            self.prose_lines[p + 1] = self.prose_lines[p] + self.prose[p]
            self.prose_words[p + 1] = self.prose_words[p] + (len(self.lines[p].split()) if self.prose[p] else 0)
            self.plain[p + 1] = self.plain[p] + (self.reasons[p] is None)
        self.next_closing = [n] * (n + 1)
        for p in range(n - 1, -1, -1):
            self.next_closing[p] = p if self.reasons[p] in CLOSINGS else self.next_closing[p + 1]

    def article_prose(self, start: int) -> bool:
        """Whether the lines from `start` to the next closing read as an article's body."""
        end = self.next_closing[start]
        count = self.prose_lines[end] - self.prose_lines[start]
        words = self.prose_words[end] - self.prose_words[start]
        plain = self.plain[end] - self.plain[start]
        return count >= _MIN_LINES and words >= _MIN_WORDS and count >= 3 * (plain - count)

    def header_start(self, body: int, closing: int) -> int:
        """The first line of the header above the prose at `body` (after `closing` and its furniture)."""
        start = body
        while start - 1 > closing and body - start < _MAX_HEADER:
            reason = self.reasons[start - 1]
            if reason in _TAIL or (reason is None and is_body_like(self.lines[start - 1])):
                break
            start -= 1
        while start < body and self.reasons[start] in _AMBIGUOUS_LEAD:
            start += 1
        return start

    def starts_article(self, body: int, closing: int) -> tuple[bool, int]:
        """(whether a new article starts with the prose at `body`, the line its header starts at)."""
        start = self.header_start(body, closing)
        header = self.reasons[start:body]
        kind = self.reasons[closing]
        if not self.article_prose(body):
            return False, start
        end = self.next_closing[body]
        closed_by = self.reasons[end] if end < len(self.lines) else None
        if None not in header:  # no title: only bodies closed by end marks
            return kind == "end_marker" and closed_by == "end_marker", start
        if kind == "end_marker":
            return True, start
        furnished = any(r in _PAGE_FURNITURE for r in header)
        return furnished or (kind != "source" and closed_by in ("end_marker", "source")), start


def split_articles(lines: list[str]) -> list[int]:
    """The index of the line each article in `lines` starts at; `[0]` when they hold one article."""
    page = _Lines(lines)
    starts = [0]
    seen_body = False
    closing: int | None = None
    for p, reason in enumerate(page.reasons):
        if reason in CLOSINGS:
            if seen_body:
                closing = p
            continue
        if not page.prose[p]:
            continue
        if closing is None:
            seen_body = True
            continue
        new, start = page.starts_article(p, closing)
        if new:
            starts.append(page.index[start])
            closing = None
        elif page.reasons[closing] == "end_marker" and None not in page.reasons[start:p]:
            closing = None  # a second part of the same article after its end mark
    return starts
