"""`mtdigest score`: how likely our model finds an English translation from anywhere, sentence by sentence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from cli_commands.common import reports_errors, stdout
from cli_commands.options import translation_options

if TYPE_CHECKING:
    from mt.pipeline import TranslateSettings


@reports_errors
@translation_options
def score(
    source: Annotated[str, typer.Argument(help="The source article (any input `inspect` reads).")],
    translation: Annotated[Path, typer.Argument(help="English translation from anywhere: UTF-8 text, any line breaks.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout: the pairs and the document mean.")] = False,
    *,
    settings: TranslateSettings,
) -> None:
    """The model's confidence in each aligned sentence of TRANSLATION (forced decoding) and the document's.

    Aligns as `compare` does without our own translation (nothing is translated: one forward pass per
    sentence); the model's own belief, not a quality check. For our confidence beside theirs and the
    model_disagrees flag, run `compare`.
    """
    from digest.compare_job import score_translation
    from mt.qa.agreement import shown

    comparison = score_translation(source, translation, settings)
    scores = comparison.report["model_scores"]
    pairs = [{**pair, "text": " ".join(comparison.english[j] for j in pair["english"])} for pair in scores["pairs"]]
    if as_json:
        typer.echo(json.dumps({"id": comparison.article.id, "source": source, "translation": str(translation),
                               "model": scores["model"], "pairs_scored": scores["pairs_scored"],
                               "document_confidence": scores["document_confidence"], "pairs": pairs},
                              ensure_ascii=False))
        return
    stdout.print(_table(pairs, settings.review_below))
    stdout.print(f"document confidence {shown(scores['document_confidence'])} over {scores['pairs_scored']} aligned "
                 f"pairs ({scores['model']}); below {settings.review_below}: check", highlight=False, soft_wrap=True)


def _table(pairs: list[dict[str, Any]], review_below: float) -> Table:
    from mt.qa.agreement import shown

    table = Table(show_edge=False, pad_edge=False)
    # The ids, the figure and the mark keep their width in any terminal; the English wraps into what is left.
    table.add_column("source", no_wrap=True)
    table.add_column("confidence", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("their English", max_width=72)
    for pair in pairs:
        low = pair["confidence"] is not None and pair["confidence"] < review_below
        table.add_row(",".join(pair["source"]), shown(pair["confidence"]), "check" if low else "", Text(pair["text"]))
    return table
