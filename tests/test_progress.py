"""Progress that tells the truth (stage totals known before any work, one bar per stage), and a fully cached
re-run that needs no model on disk at all. Tiny models: nothing here judges translation quality."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cli import app
from cli_commands.bars import progress_bars
from digest.jobs import SummarySettings, run_digest, run_translate
from ingest import read_inputs
from core.article import Article
from mt.pipeline import TranslateSettings
from mt.progress import SUMMARIZE, TRANSLATE, WRITE

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED = SEEDS / "000_41b56ad6ca49ea79.txt"


class Recorder:
    """A `mt.progress.Progress` that keeps every call in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, float]] = []

    def start(self, stage: str, total: float) -> None:
        self.calls.append(("start", stage, total))

    def advance(self, stage: str, amount: float = 1) -> None:
        self.calls.append(("advance", stage, amount))

    def totals(self) -> dict[str, float]:
        return {stage: n for kind, stage, n in self.calls if kind == "start"}

    def done(self) -> dict[str, float]:
        done: dict[str, float] = {}
        for kind, stage, n in self.calls:
            if kind == "advance":
                done[stage] = done.get(stage, 0) + n
        return done


def units(articles: list[Article]) -> int:
    """Titles and sentences a model must translate (English ones pass through)."""
    return sum(bool(a.title.source.strip()) + sum(s.language != "en" for s in a.sentences())
               for a in articles if a.language != "en")


@pytest.fixture()
def home(tiny_models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the tiny models' home (so a test may delete it) and an empty cache."""
    copy = tmp_path / "home"
    shutil.copytree(tiny_models / "home", copy, symlinks=True)
    monkeypatch.setenv("MTDIGEST_HOME", str(copy))
    monkeypatch.setenv("MTDIGEST_LOCK", str(tiny_models / "models.lock"))
    monkeypatch.setenv("MTDIGEST_CACHE", str(tmp_path / "cache.sqlite"))
    return copy


def changed_seed(tmp_path: Path) -> Path:
    """Seed 000 with one sentence changed: the cache has all its other sentences."""
    changed = tmp_path / "changed.txt"
    changed.write_text(SEED.read_text(encoding="utf-8").replace("آرزوی موفقیت کرد", "آرزوی موفقیت و پیروزی کرد"),
                       encoding="utf-8")
    return changed


# Two seeds, one Persian and one Arabic: both translators, and more than one article per stage.
INPUTS = [str(SEED), str(SEEDS / "001_2fc5d2ec209e6642.txt")]


def digest(tmp_path: Path, name: str, progress: Recorder | None = None, method: str = "abstractive") -> object:
    settings = TranslateSettings(beam_size=1, fast=True)
    return run_digest(INPUTS, tmp_path / name, ["html", "json"], settings,
                      SummarySettings(method=method, greedy=True), progress=progress)


def test_stage_totals_are_known_before_any_work_and_match_the_work_done(home: Path, tmp_path: Path) -> None:
    articles = [a for a in read_inputs(INPUTS) if isinstance(a, Article)]
    first = Recorder()
    digest(tmp_path, "first", first)
    kinds = [kind for kind, _, _ in first.calls]
    assert kinds[:3] == ["start"] * 3 and "start" not in kinds[3:]  # every total before the first advance
    assert first.totals() == {TRANSLATE: units(articles), SUMMARIZE: len(articles), WRITE: len(articles)}
    assert first.done() == pytest.approx(first.totals())  # each bar ends exactly full, never past it
    translate_steps = [n for kind, stage, n in first.calls if kind == "advance" and stage == TRANSLATE]
    assert len(translate_steps) > 1  # it moves with every batch, not once at the end
    again = Recorder()
    digest(tmp_path, "again", again)
    assert again.totals() == {TRANSLATE: 0, SUMMARIZE: 0, WRITE: len(articles)}  # the cache had it all


def test_translate_totals_exclude_what_the_cache_has(home: Path, tmp_path: Path) -> None:
    run_translate([str(SEED)], tmp_path / "one", ["json"], TranslateSettings(beam_size=1))
    changed = changed_seed(tmp_path)
    progress = Recorder()
    report = run_translate([str(changed)], tmp_path / "two", ["json"], TranslateSettings(beam_size=1), progress)
    assert progress.totals() == {TRANSLATE: 1} and progress.done() == pytest.approx({TRANSLATE: 1})
    assert sum(s.cached for s in report.stats) == sum(s.units for s in report.stats) - 1


def test_a_fully_cached_re_run_succeeds_with_no_model_on_disk(home: Path, tmp_path: Path) -> None:
    digest(tmp_path, "first")
    shutil.rmtree(home)  # the models are gone: tokenizers, weights, converted copies
    again = digest(tmp_path, "again")
    assert not again.failed
    for path in (tmp_path / "first").glob("0*.json"):
        before = json.loads(path.read_text(encoding="utf-8"))
        after = json.loads((tmp_path / "again" / path.name).read_text(encoding="utf-8"))
        assert after["paragraphs"] == before["paragraphs"] and after["summary"] == before["summary"]
        assert after["models"]["translate"]["engine"] == "cache"  # nothing ran: the record says so
        assert after["models"]["translate"]["revision"] == before["models"]["translate"]["revision"]
    # One sentence the cache lacks needs its model again, and says how to get it (exit 3).
    changed = changed_seed(tmp_path)
    result = CliRunner().invoke(app, ["digest", str(changed), "-o", str(tmp_path / "new"), "--fast", "--offline"])
    assert result.exit_code == 3, result.output


def test_the_bars_draw_one_line_per_stage_with_total_rate_and_time_left() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=110, color_system=None)
    with progress_bars(quiet=False, console=console) as bars:
        assert bars is not None
        bars.start(TRANSLATE, 40)
        bars.start(SUMMARIZE, 0)  # nothing to make: no bar
        bars.start(WRITE, 5)
        bars.advance(TRANSLATE, 12.5)
        bars.advance(WRITE, 5)
    frames = re.split(r"[\r\n]", re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue()))
    drawn = [line for line in frames if line.strip()][-2:]  # the last frame
    assert drawn[0].startswith("translate (sentences)") and "12/40" in drawn[0]
    assert drawn[1].startswith("write (articles)") and "5/5" in drawn[1]
    assert "summarize" not in screen.getvalue()
    with progress_bars(quiet=True, console=console) as bars:
        assert bars is None


def test_the_brief_shows_its_ledes_as_a_stage_of_their_own(home: Path, tmp_path: Path) -> None:
    from digest.brief import run_brief
    from mt.progress import LEDES

    progress = Recorder()
    report = run_brief([str(SEEDS)], tmp_path / "brief", ["json"], TranslateSettings(beam_size=1),
                       SummarySettings(method="extractive", greedy=True), progress=progress)
    assert not report.failed
    stories = json.loads((tmp_path / "brief" / "brief.json").read_text(encoding="utf-8"))["stories"]
    assert progress.totals()[LEDES] == len(stories) and progress.done()[LEDES] == len(stories)
    starts = [stage for kind, stage, _ in progress.calls if kind == "start"]
    assert starts == [TRANSLATE, SUMMARIZE, WRITE, LEDES]
