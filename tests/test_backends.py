"""mt.backends.LazyModel: loaded on first use, or started early in a background thread (`prefetch`)."""

from __future__ import annotations

import threading

import pytest

from modelstore.lock import ModelEntry
from mt.backends import LazyModel

ENTRY = ModelEntry(alias="m", role="summarize", architecture="bart", repo="org/m", revision="0" * 40,
                   license="mit", languages=("en",))


def test_prefetch_loads_in_another_thread_once_and_first_use_waits_for_it() -> None:
    release, threads = threading.Event(), []

    def load() -> object:
        threads.append(threading.current_thread())
        release.wait(5)
        return object()

    model = LazyModel(ENTRY, load)
    model.prefetch()
    model.prefetch()  # already under way: not a second load
    assert not model.is_loaded
    release.set()
    loaded = model.loaded
    assert model.loaded is loaded and model.is_loaded
    assert len(threads) == 1 and threads[0] is not threading.main_thread()
    model.prefetch()  # loaded: nothing to do
    assert len(threads) == 1


def test_a_failed_prefetch_is_raised_at_first_use_in_the_callers_thread() -> None:
    def load() -> object:
        raise FileNotFoundError("model.bin")

    model = LazyModel(ENTRY, load)
    model.prefetch()
    with pytest.raises(FileNotFoundError, match="model.bin"):
        model.loaded  # noqa: B018


def test_without_prefetch_the_model_loads_at_first_use_in_the_callers_thread() -> None:
    threads: list[threading.Thread] = []
    model = LazyModel(ENTRY, lambda: threads.append(threading.current_thread()) or "weights")
    assert threads == []
    assert model.loaded == "weights" and threads == [threading.main_thread()]
