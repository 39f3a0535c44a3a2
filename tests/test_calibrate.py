"""`mtdigest calibrate`: precision and recall of each review threshold against references. The arithmetic is
checked on fixed (confidence, chrF++) pairs; the command runs on the tiny random models for plumbing only (their
confidences say nothing about translation quality)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from mt.qa.calibration import THRESHOLDS, explain, suggest_threshold, threshold_row, threshold_rows

# (confidence, chrF++): three bad translations (chrF++ < 40), one of them with no confidence (empty output).
POINTS = [(0.10, 20.0), (0.20, 55.0), (0.30, 35.0), (0.50, 70.0), (0.60, 39.9), (0.90, 80.0), (None, 0.0)]


def test_precision_and_recall_of_each_threshold() -> None:
    row = threshold_row(POINTS, 0.35)  # flags 0.10, 0.20, 0.30: two of them bad; bad: 0.10, 0.30, 0.60, None
    assert (row.flagged, row.flagged_bad, row.bad) == (3, 2, 4)
    assert row.precision == pytest.approx(2 / 3, abs=1e-3) and row.recall == 0.5
    assert row.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5), abs=1e-3)
    assert threshold_row(POINTS, 0.10).flagged == 0  # below, not at: as the review flag
    assert threshold_row(POINTS, 0.10).precision is None and threshold_row(POINTS, 0.10).recall == 0.0
    assert threshold_row([(0.2, 90.0)], 0.5).recall is None  # nothing bad: nothing to catch
    strict = threshold_row(POINTS, 0.35, bad_below=50.0)  # the bar moves with --bad-below
    assert (strict.flagged_bad, strict.bad) == (2, 4)


def test_counts_grow_with_the_threshold_and_the_best_f1_is_suggested() -> None:
    rows = threshold_rows(POINTS)
    assert [r.threshold for r in rows] == list(THRESHOLDS) and THRESHOLDS[0] == 0.05 and THRESHOLDS[-1] == 0.95
    assert all(a.flagged <= b.flagged and a.flagged_bad <= b.flagged_bad for a, b in zip(rows, rows[1:]))
    best = suggest_threshold(rows)
    assert best is not None and best.f1 == max(r.f1 or 0 for r in rows)
    assert best.threshold == min(r.threshold for r in rows if r.f1 == best.f1)  # a tie goes to the lower one
    assert best.threshold == 0.65  # flags five sentences: 3 of them bad, so 3 of the 4 bad are caught
    assert "--review-below 0.65" in explain(best, len(POINTS))
    assert suggest_threshold(threshold_rows([(0.5, 90.0), (0.7, 80.0)])) is None
    assert "nothing to tune on" in explain(None, 2)


@pytest.fixture()
def env(tiny_models: Path, tmp_path: Path) -> dict[str, str]:
    return {"MTDIGEST_HOME": str(tiny_models / "home"), "MTDIGEST_LOCK": str(tiny_models / "models.lock"),
            "MTDIGEST_CACHE": str(tmp_path / "cache.sqlite")}


SOURCES = ["وزیر امور خارجه ایران امروز به دوحه سفر کرد.", "قیمت‌ها ۱۵ درصد افزایش یافت.", "امروز هوا سرد است."]
REFERENCES = ["Iran's foreign minister travelled to Doha today.", "Prices rose by 15 percent.", "It is cold today."]


def test_calibrate_reports_every_threshold_as_json_and_as_a_table(env: dict[str, str], tmp_path: Path) -> None:
    src, ref, tsv = tmp_path / "devtest.pes_Arab", tmp_path / "devtest.eng_Latn", tmp_path / "more.tsv"
    src.write_text("\n".join(SOURCES[:2]) + "\n", encoding="utf-8")
    ref.write_text("\n".join(REFERENCES[:2]) + "\n", encoding="utf-8")
    tsv.write_text(f"{SOURCES[2]}\t{REFERENCES[2]}\n", encoding="utf-8")
    args = ["calibrate", str(tsv), "--source", str(src), "--reference", str(ref), "--language", "fa", "--fast"]
    result = CliRunner().invoke(app, [*args, "--json"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["sentences"] == 3 and report["language"] == "fa" and report["bad_below"] == 40.0
    assert [p["reference"] for p in report["pairs"]] == [REFERENCES[2], *REFERENCES[:2]]
    assert all(0 <= p["confidence"] <= 1 and 0 <= p["chrf_pp"] <= 100 and p["english"] for p in report["pairs"])
    rows = report["thresholds"]
    assert [r["threshold"] for r in rows] == list(THRESHOLDS)
    assert all(a["flagged"] <= b["flagged"] for a, b in zip(rows, rows[1:]))
    assert all(r["bad"] == sum(p["chrf_pp"] < 40 for p in report["pairs"]) for r in rows)
    assert report["current"]["threshold"] == 0.35 and "nw:2" in report["signature"]  # chrF++: word bigrams
    assert report["reason"]
    table = CliRunner().invoke(app, [*args, "--review-below", "0.5"], env=env)
    assert table.exit_code == 0, table.output
    assert "precision" in table.output and "now (--review-below 0.5)" in table.output and "signature:" in table.output


def test_calibrate_usage_errors(env: dict[str, str], tmp_path: Path) -> None:
    src = tmp_path / "src.txt"
    src.write_text("سلام\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["calibrate", "--source", str(src), "--language", "fa"], env=env)
    assert result.exit_code == 2 and "give them in pairs" in result.output
    result = CliRunner().invoke(app, ["calibrate", "--language", "fa"], env=env)
    assert result.exit_code == 2 and "no REFS" in result.output
    result = CliRunner().invoke(app, ["calibrate", str(tmp_path / "gone.tsv"), "--language", "fa"], env=env)
    assert result.exit_code == 1 and "gone.tsv" in result.output
