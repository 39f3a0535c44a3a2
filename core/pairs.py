"""A source sentence and its reference translation: the material of `mtdigest calibrate`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    source: str
    reference: str
    where: str  # `file:line`, so a user can find the sentence again
