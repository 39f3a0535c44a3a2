"""The one error of fetching: a URL that could not be fetched or used, named with the problem."""

from __future__ import annotations

from core.errors import InputError


class FetchError(InputError):
    """A URL that could not be fetched; names the URL and the problem (`status`: the HTTP answer, if any)."""

    def __init__(self, url: str, problem: str, status: int | None = None) -> None:
        super().__init__(url, problem)
        self.status = status
