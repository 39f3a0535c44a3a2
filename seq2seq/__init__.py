"""The model runtime translation and summarization share: pinned seq2seq models, their tokenizers, decoding
settings and the cache of their outputs.

It stands on `core` and `modelstore` only; `mt` and `summarize` both stand on it and never on each other.
"""
