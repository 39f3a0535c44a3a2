"""Render the daily brief as a self-contained HTML page (the digests' CSS) or Markdown for email and chat.

Per story: the headline, the lede, one line per source ("Outlet (date): what it adds", linking to its
digest and to the original), then where the sources differ. Everything is English in `dir="ltr"`
blocks; outlet names, original spellings and any source-script run are isolated (`<bdi>`, FSI…PDI).
"""

from __future__ import annotations

import posixpath

from digest.bidi import bdi, english_html, english_md, md_isolate
from digest.brief import Brief, Source, Story
from digest.markdown import md_url
from digest.meta import original_link
from digest.story_text import Detail
from digest.styles import page
from digest.wording import UNKNOWN_OUTLET, long_date, plural
from core.output import escape_html as escape
from core.output import md_cell

DISCLAIMER = "Machine translation and summaries: check the sources."
DIFFER_HEADING = "Where the sources differ"
UNNAMED = "the article from an unknown outlet"


def render_brief(brief: Brief, fmt: str) -> str:
    """The brief as `html` or `md`."""
    return _html(brief) if fmt == "html" else _markdown(brief)


def _title(brief: Brief) -> str:
    return f"Daily brief — {long_date(brief.date)}"


def _overview(brief: Brief) -> str:
    articles = sum(len(s.sources) for s in brief.stories)
    return f"{plural(len(brief.stories), 'story')} from {plural(articles, 'article')}; {brief.coverage}."


def _source_lang(source: Source) -> str:
    return source.language if source.language not in ("", "en") else ""


# Markdown


def _md_outlet(source: Source) -> str:
    native = f" ({md_isolate(source.native)})" if source.native and source.outlet_english else (
        md_isolate(source.native) if source.native else "")
    return f"{md_cell(source.outlet_english)}{native}"


def _md_who(source: Source) -> str:
    return UNNAMED if source.outlet_english == UNKNOWN_OUTLET else _md_outlet(source)


def _md_detail(detail: Detail) -> str:
    return md_cell(detail.english) + (f" ({md_isolate(detail.original)})" if detail.original else "")


def _md_story(story: Story) -> list[str]:
    lines = ["", f'<a id="{story.id}"></a>', f"## {english_md(story.headline)}", ""]
    if story.lede:
        lines += [english_md(story.lede), ""]
    if story.low_confidence:
        lines += [f"*{to_check(story.low_confidence)} before quoting (the model is least sure of them).*", ""]
    for source in story.sources:
        url = original_link(source.url)
        original = f" · [original]({md_url(url)})" if url else ""
        lines.append(f"- [{_md_outlet(source)}]({source.digest}) ({long_date(source.published) or 'undated'}): "
                     f"{english_md(source.adds or 'no English summary yet.')}{original}{_md_check(source)}")
    if story.differences:
        lines += ["", f"**{DIFFER_HEADING}**", ""]
        for source in story.sources:
            if source.id in story.differences:
                details = ", ".join(_md_detail(d) for d in story.differences[source.id])
                lines.append(f"- Only {_md_who(source)} reports: {details}.")
    return lines


def to_check(count: int) -> str:
    return f"{plural(count, 'sentence')} to check"


def _md_check(source: Source) -> str:
    return f" · [{to_check(source.low_confidence)}]({source.digest}#check-h)" if source.low_confidence else ""


def _markdown(brief: Brief) -> str:
    lines = [f"# {_title(brief)}", "", f"{_overview(brief)}", ""]
    lines += [f"{n}. [{english_md(s.headline)}](#{s.id}) ({plural(len(s.sources), 'source')})"
              for n, s in enumerate(brief.stories, start=1)]
    for story in brief.stories:
        lines += _md_story(story)
    if brief.signature:
        lines += ["", f"<sub>{DISCLAIMER} `{brief.signature}`</sub>"]
    return "\n".join(lines) + "\n"


# HTML


def _html_outlet(source: Source) -> str:
    english = f'<span class="outlet">{escape(source.outlet_english)}</span>' if source.outlet_english else ""
    native = bdi(source.native, _source_lang(source) or None) if source.native else ""
    return f'{english} <span class="native">{native}</span>' if english and native else english or native


def _html_who(source: Source) -> str:
    return UNNAMED if source.outlet_english == UNKNOWN_OUTLET else _html_outlet(source)


def _html_detail(detail: Detail, lang: str) -> str:
    original = f' (<bdi lang="{escape(lang)}">{escape(detail.original)}</bdi>)' if detail.original else ""
    return f'<span class="detail {escape(detail.kind)}">{escape(detail.english)}{original}</span>'


def _html_source(source: Source) -> str:
    url = original_link(source.url)
    original = f' · <a class="original" href="{escape(url)}">original</a>' if url else ""
    check = (f' · <a class="check" href="{escape(source.digest)}#check-h">{to_check(source.low_confidence)}</a>'
             if source.low_confidence else "")
    return (f'<li dir="ltr"><a href="{escape(source.digest)}">{_html_outlet(source)}</a> '
            f'({escape(long_date(source.published) or "undated")}): '
            f'{english_html(source.adds or "no English summary yet.")}{original}{check}</li>')


def _html_story(story: Story) -> str:
    lede = f'<p class="lede" dir="ltr">{english_html(story.lede)}</p>' if story.lede else ""
    if story.low_confidence:
        lede += (f'<p class="to-check" dir="ltr">{to_check(story.low_confidence)} before quoting '
                 "(the model is least sure of them).</p>")
    differ = ""
    if story.differences:
        items = "".join(
            f'<li dir="ltr">Only {_html_who(s)} reports: '
            f'{", ".join(_html_detail(d, _source_lang(s)) for d in story.differences[s.id])}.</li>'
            for s in story.sources if s.id in story.differences)
        differ = f'<h3 dir="ltr">{DIFFER_HEADING}</h3><ul class="differ">{items}</ul>'
    return (f'<section class="story" id="{story.id}" aria-labelledby="{story.id}-h">'
            f'<h2 id="{story.id}-h" dir="ltr">{english_html(story.headline)}</h2>{lede}'
            f'<ul class="sources">{"".join(_html_source(s) for s in story.sources)}</ul>{differ}</section>')


def _html(brief: Brief) -> str:
    toc = "".join(f'<li dir="ltr"><a href="#{s.id}">{english_html(s.headline)}</a> '
                  f'({plural(len(s.sources), "source")})</li>' for s in brief.stories)
    folders = {posixpath.dirname(s.digest) for story in brief.stories for s in story.sources}
    index = (f' <a href="{escape(folders.pop())}/index.html">All articles</a>.' if len(folders) == 1 else "")
    body = (f'<header><h1 dir="ltr">{escape(_title(brief))}</h1><p dir="ltr">{escape(_overview(brief))}{index}</p>'
            '</header>'
            f'<nav aria-label="Stories"><ol>{toc}</ol></nav>{"".join(_html_story(s) for s in brief.stories)}'
            f'<footer><p dir="ltr">{DISCLAIMER} {escape(brief.signature)}</p></footer>')
    return page(_title(brief), body, running=_title(brief))
