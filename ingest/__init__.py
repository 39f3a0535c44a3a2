"""Article ingestion: read anything users feed it, identify the language, normalize,
strip page furniture, extract metadata, split paragraphs into sentences with ids.

    from ingest import read_inputs, prepare_article
    for item in read_inputs(["seeds/"]):
        ...  # an Article, or an InputError for an input that could not be used
"""

from ingest.article import prepare_article
from mt.article import content_id
from ingest.boilerplate import Layout, strip_boilerplate
from ingest.dates import DateMatch, find_date
from ingest.decoding import decode_bytes
from ingest.html import extract_html
from ingest.langid import LanguageGuess, identify_language
from ingest.metadata import Metadata, extract_metadata
from ingest.normalize import fold, normalize_text, restore_zwnj
from ingest.readers import read_inputs, read_path
from ingest.segment import sentence_spans, split_sentences

__all__ = [
    "DateMatch",
    "LanguageGuess",
    "Layout",
    "Metadata",
    "content_id",
    "decode_bytes",
    "extract_html",
    "extract_metadata",
    "find_date",
    "fold",
    "identify_language",
    "normalize_text",
    "prepare_article",
    "read_inputs",
    "read_path",
    "restore_zwnj",
    "sentence_spans",
    "split_sentences",
    "strip_boilerplate",
]
