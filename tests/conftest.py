"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tiny_models import cached_tiny_models


@pytest.fixture(scope="session")
def tiny_models() -> Path:
    """Root of the offline tiny models (`models.lock` + `home/`), built once per content hash and cached."""
    return cached_tiny_models()
