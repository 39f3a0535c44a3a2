"""Help that reads like the command-line tools users know: no `<bool>` beside a flag, no `<list[str]>`
beside an argument whose name already says it takes several (`INPUT...`).

Typer prints a Python type label for every parameter and offers no setting to drop it, so the
method that makes the label is wrapped here, once, when the app is assembled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from typer.core import TyperArgument, TyperOption


def plain_type_labels() -> None:
    """Flags and arguments show no type label; other options keep theirs (`<int>`, `<path>`…)."""
    for cls in (TyperArgument, TyperOption):
        typed = cls.display_type_rich
        if not getattr(typed, "plain", False):
            cls.display_type_rich = _plain(typed)  # type: ignore[method-assign]


def _plain(typed: Callable[[Any, click.Context], str | None]) -> Callable[[Any, click.Context], str | None]:
    def display_type_rich(self: Any, ctx: click.Context) -> str | None:
        if isinstance(self, TyperArgument) or getattr(self, "is_flag", False):
            return None
        return typed(self, ctx)

    display_type_rich.plain = True  # type: ignore[attr-defined]
    return display_type_rich
