"""Article ingestion: read anything users feed it, identify the language, normalize,
strip page furniture, extract metadata, split paragraphs into sentences with ids.

The data model, errors and the Arabic-script text utilities it uses (folding, digits, dates, names) are the
ground every stage stands on: `core`.

    from ingest import read_inputs, prepare_article
    for item in read_inputs(["seeds/"]):
        ...  # an Article, or an InputError for an input that could not be used
"""

from ingest.article import prepare_article
from ingest.boilerplate import Layout, strip_boilerplate
from ingest.decoding import decode_bytes
from ingest.html import extract_html
from ingest.langid import LanguageGuess, identify_language
from ingest.metadata import Metadata, extract_metadata
from ingest.readers import read_inputs, read_path
from ingest.segment import sentence_spans, split_sentences

__all__ = [
    "LanguageGuess",
    "Layout",
    "Metadata",
    "decode_bytes",
    "extract_html",
    "extract_metadata",
    "identify_language",
    "prepare_article",
    "read_inputs",
    "read_path",
    "sentence_spans",
    "split_sentences",
    "strip_boilerplate",
]
