"""The HTML page of `mtdigest compare`: the report's summary above the side-by-side text.

The summary shows which translation file was checked against which source, coverage, chrF and BLEU
against our own translation and the model's confidence in theirs and ours when a model ran (else why
not), the alignment, and the flags by kind, whatever kinds the report carries (`model_disagrees` too);
each English cell is shaded by the model's confidence in it, as in a digest. When a model ran, our
translation is a third column that a checkbox shows or hides (`digest.styles`, CSS only).
"""

from __future__ import annotations

from typing import Any

from digest.bidi import english_html
from digest.html import render_html
from core.article import Article
from core.output import escape_html as escape
from mt.qa.compare import model_scores_line


def _share(value: Any) -> str:
    return f"{value:.0%}" if isinstance(value, (int, float)) else escape(str(value))


def _row(label: str, value: str) -> str:
    return f"<dt>{escape(label)}</dt><dd>{value}</dd>"


def report_html(report: dict[str, Any], has_ours: bool) -> str:
    """The compare report as a definition list (every coverage figure and flag kind the report holds)."""
    rows = [_row("Translation checked", f'<span class="path">{escape(str(report.get("translation", "")))}</span>'),
            _row("Against the source", f'<span class="path">{escape(str(report.get("source", "")))}</span>')]
    sentences = report.get("sentences", {})
    if sentences:
        rows.append(_row("Sentences", f"{sentences.get('source', 0)} in the source, {sentences.get('english', 0)} "
                                      f"in the translation"))
    for side, value in report.get("coverage", {}).items():
        what = {"source": "of source sentences have English",
                "english": "of English sentences match a source sentence"}.get(side, escape(side.replace("_", " ")))
        rows.append(_row(f"Coverage ({side.replace('_', ' ')})", f"{_share(value)} {what}"))
    similarity = report.get("similarity", {})
    if similarity.get("chrf") is not None:
        rows.append(_row("Against our translation",
                         f"chrF {similarity['chrf']:.1f}, BLEU {similarity.get('bleu', 0):.1f} over "
                         f"{similarity.get('pairs', 0)} aligned pairs ({escape(str(similarity.get('model')))})"))
        rows.append(_row("Score signatures", f'<span class="path">{escape(str(similarity.get("chrf_signature", "")))}'
                                             f' · {escape(str(similarity.get("bleu_signature", "")))}</span>'))
    elif similarity.get("note"):
        rows.append(_row("Against our translation", english_html(str(similarity["note"]))))
    scores = report.get("model_scores", {})
    if scores.get("model"):
        rows.append(_row("Model confidence", english_html(model_scores_line(scores))))
    elif scores.get("note"):
        rows.append(_row("Model confidence", english_html(str(scores["note"]))))
    beads = report.get("alignment", {}).get("beads", {})
    if beads:
        rows.append(_row("Alignment", escape(", ".join(f"{k} {v}" for k, v in beads.items() if v) or "none")))
    flags = report.get("flags", {})
    by_code = flags.get("by_code", {})
    kinds = ", ".join(f"{code.replace('_', ' ')} {n}" for code, n in by_code.items())
    rows.append(_row("Flagged sentences", f"{flags.get('sentences_flagged', 0)}" + (f": {escape(kinds)}" if kinds
                                                                                     else "")))
    toggle = ('<label class="toggle"><input type="checkbox" id="show-ours" checked> show our translation '
              "as a third column</label>") if has_ours else ""
    return (f'<section class="report" aria-labelledby="report-h" dir="ltr"><h2 id="report-h">Compare report</h2>'
            f'<dl class="report">{"".join(rows)}</dl>{toggle}</section>')


def render_compare_html(article: Article, report: dict[str, Any], ours: dict[str, str] | None = None) -> str:
    """The compare page: the report's summary, then the aligned text (with our translation when a model ran)."""
    return render_html(article, extra=report_html(report, ours is not None), ours=ours)
