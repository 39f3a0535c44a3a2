"""Render the daily brief as self-contained HTML (the digests' CSS) or Markdown for email and chat."""

from __future__ import annotations

from mt.output import escape_html as escape

from digest.brief import Brief, Story
from digest.html import CSS
from digest.meta import LANGUAGE_NAMES
from mt.output import md_cell


def _covered(brief: Brief) -> str:
    first, last = brief.range
    return f"articles dated {first} to {last}" if first else "undated articles"


def _source_line(story: Story, index: int) -> tuple[str, str, str, str]:
    source = story.sources[index]
    return (source.outlet, LANGUAGE_NAMES.get(source.language, source.language), source.published or "undated",
            source.title)


def render_brief(brief: Brief, fmt: str) -> str:
    """The brief as `html` or `md`."""
    return _html(brief) if fmt == "html" else _markdown(brief)


def _markdown(brief: Brief) -> str:
    lines = [f"# Daily brief — {brief.date}", "", f"{len(brief.stories)} stories from {_covered(brief)}.", ""]
    lines += [f"{n}. [{md_cell(s.headline)}](#{s.id}) ({len(s.sources)} sources)" for n, s in
              enumerate(brief.stories, start=1)]
    for story in brief.stories:
        lines += ["", f'<a id="{story.id}"></a>', f"## {md_cell(story.headline)}", "", story.summary, ""]
        if story.common:
            lines += [f"All sources: {', '.join(story.common)}", ""]
        for i, source in enumerate(story.sources):
            outlet, language, published, title = _source_line(story, i)
            only = story.only_in.get(source.id)
            lines.append(f"- [{md_cell(title)}]({source.digest}) — {md_cell(outlet)}, {language}, {published}"
                         + (f"; only this source: {', '.join(only)}" if only else ""))
    if brief.signature:
        lines += ["", f"<sub>Machine translation and summaries: check the sources. `{brief.signature}`</sub>"]
    return "\n".join(lines) + "\n"


def _html(brief: Brief) -> str:
    toc = "".join(f'<li><a href="#{s.id}">{escape(s.headline)}</a> ({len(s.sources)} sources)</li>'
                  for s in brief.stories)
    sections = []
    for story in brief.stories:
        items = []
        for i, source in enumerate(story.sources):
            outlet, language, published, title = _source_line(story, i)
            only = story.only_in.get(source.id)
            items.append(
                f'<li><a href="{escape(source.digest)}">{escape(title)}</a> — <span dir="auto">{escape(outlet)}'
                f"</span>, {escape(language)}, {escape(published)}"
                + (f'<br><small>only this source: <span dir="auto">{escape(", ".join(only))}</span></small>'
                   if only else "") + "</li>"
            )
        sections.append(
            f'<section id="{story.id}" aria-labelledby="{story.id}-h"><h2 id="{story.id}-h">{escape(story.headline)}'
            f'</h2><p dir="auto">{escape(story.summary)}</p>'
            + (f'<p><small>All sources: <span dir="auto">{escape(", ".join(story.common))}</span></small></p>'
               if story.common else "")
            + f'<ul>{"".join(items)}</ul></section>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Daily brief — {escape(brief.date)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>Daily brief — {escape(brief.date)}</h1><p>{len(brief.stories)} stories from "
        f"{escape(_covered(brief))}.</p></header><nav aria-label=\"Stories\"><ol>{toc}</ol></nav>"
        f"{''.join(sections)}<footer><p>Machine translation and summaries: check the sources. "
        f"{escape(brief.signature)}</p></footer></body></html>\n"
    )
