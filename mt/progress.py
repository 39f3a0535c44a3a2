"""How a job reports its progress: one count per stage, its total known before the stage's work starts.

Library code never draws anything: it calls a `Progress` (the CLI's draws one bar per stage, with rate and
time left). Stages whose total is 0 (everything came from the cache) may be left undrawn.
"""

from __future__ import annotations

from typing import Protocol

TRANSLATE = "translate"  # counted in sentences (and titles) the cache did not have
SUMMARIZE = "summarize"  # counted in summaries to make
WRITE = "write"  # counted in articles
LEDES = "ledes"  # counted in the brief's stories, each lede one summary of all its sources


class Progress(Protocol):
    def start(self, stage: str, total: float) -> None:
        """The stage's whole amount of work, before any of it is done."""

    def advance(self, stage: str, amount: float = 1) -> None:
        """`amount` more of the stage's work is done (fractions: part of a sentence's batch)."""
