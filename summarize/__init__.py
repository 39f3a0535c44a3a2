"""English summaries of translated articles, linked sentence by sentence to their source.

    from summarize import load_summarizer, summarize
    summarizer = load_summarizer(load_lock().summarizer())   # once per process
    summary = summarize(article, summarizer)                 # abstractive (map-reduce past 1024 tokens)
    summary = summarize(article, method="extractive")        # no model needed

Every summary sentence carries `support` (ids of the article sentences behind it) and
faithfulness flags (`number_unsupported`, `date_unsupported`, `name_unsupported`, `no_support`).
"""

from summarize.backtranslate import back_translate
from summarize.chunking import Chunk, MapReduceTrace, chunk_texts, summarize_long
from summarize.core import METHODS, summarize
from summarize.engine import Limits, Summarizer, SummaryOptions, load_summarizer
from summarize.extractive import ExtractiveOptions, select_sentences
from summarize.faithfulness import Evidence, faithfulness_flags
from summarize.length import DEFAULT_SENTENCES, target_sentences
from summarize.support import SupportOptions, link_support

__all__ = [
    "DEFAULT_SENTENCES",
    "METHODS",
    "Chunk",
    "Evidence",
    "ExtractiveOptions",
    "Limits",
    "MapReduceTrace",
    "Summarizer",
    "SummaryOptions",
    "SupportOptions",
    "back_translate",
    "chunk_texts",
    "faithfulness_flags",
    "link_support",
    "load_summarizer",
    "select_sentences",
    "summarize",
    "summarize_long",
    "target_sentences",
]
