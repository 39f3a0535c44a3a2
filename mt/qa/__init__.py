"""Quality checks of source/English pairs, sentence alignment, and comparison of any translation.

    from mt.qa import check_article, align, compare_translation
    check_article(article)              # flags on every translated sentence (idempotent)
    align(source_sentences, english_sentences, "fa")   # Gale–Church beads (up to 1–4, 4–1) with anchors;
                                                       # paragraph numbers of both sides let paragraphs lead
    compare_translation(article, english_text)         # align an external translation, flag, report
    compare_translation(article, english_text, scorer=mt.scoring.ForcedScorer(engine, "fa"))
                                                       # and the model's confidence in every aligned pair
"""

from mt.qa.alignment import Alignment, Bead, align
from mt.qa.checks import QA_CODES, check_article, check_pair
from mt.qa.compare import Comparison, compare_translation, report_text
from mt.qa.degenerate import degeneration, repetition
from mt.qa.numbers import compare_numbers

__all__ = [
    "QA_CODES",
    "Alignment",
    "Bead",
    "Comparison",
    "align",
    "check_article",
    "check_pair",
    "compare_numbers",
    "compare_translation",
    "degeneration",
    "repetition",
    "report_text",
]
