"""Shared pytest fixtures."""

from __future__ import annotations

import os

# Tiny models do tiny matrix products: one thread avoids the oversubscription that makes
# generation 10-50x slower on a busy 2-core machine. Set before torch is imported.
os.environ.setdefault("OMP_NUM_THREADS", "1")
# Tests reach no network: a command that would fetch a missing model on first use says it is offline instead.
# (Tests of fetching point the hub client at their own server on 127.0.0.1 and lift this themselves.)
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import torch  # noqa: E402

from tests.tiny_models import cached_tiny_models  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture(scope="session")
def tiny_models() -> Path:
    """Root of the offline tiny models (`models.lock` + `home/`), built once per content hash and cached."""
    return cached_tiny_models()
