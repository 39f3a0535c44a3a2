"""Article ids name output files: within one run they are unique, stable across re-runs, never a reserved
name, and one article's failure never drops another read from the same file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from core.article import Article, Paragraph, Sentence, Title, unique_ids

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def article(id_: str, text: str) -> Article:
    return Article(id=id_, language="fa", title=Title(text[:10]), paragraphs=[Paragraph("p1", [Sentence("p1.s1", text, text)])])


def test_shared_reserved_and_case_only_ids_become_unique_and_stable() -> None:
    from core.article import safe_id

    assert safe_id("a b") == safe_id("a_b") and safe_id("x" * 130) == safe_id("x" * 121)  # cleaned or cut alike
    batch = [article("x", "الف"), article("x", "ب"), article("index", "ج"), article("X", "د"), article("y", "ه"),
             article(safe_id("a b"), "و"), article(safe_id("a_b"), "ز")]
    unique_ids(batch)
    ids = [a.id for a in batch]
    assert len({i.lower() for i in ids}) == 7 and ids[4] == "y" and ids[5] != ids[6]
    assert all(i.startswith(("x-", "index-", "X-")) for i in ids[:4]) and "brief" not in ids
    again = [article("x", "الف"), article("x", "ب"), article("index", "ج"), article("X", "د"), article("y", "ه"),
             article("a_b", "و"), article("a_b", "ز")]
    unique_ids(again)
    assert [a.id for a in again] == ids  # the same inputs give the same ids on every run
    copies = [article("x", "الف"), article("x", "الف")]
    unique_ids(copies)
    assert copies[0].id != copies[1].id and copies[1].id == f"{copies[0].id}-2"


@pytest.fixture()
def env(tiny_models: Path, tmp_path: Path) -> dict[str, str]:
    return {"MTDIGEST_HOME": str(tiny_models / "home"), "MTDIGEST_LOCK": str(tiny_models / "models.lock"),
            "MTDIGEST_CACHE": str(tmp_path / "cache.sqlite")}


def seed_lines(name: str) -> str:
    return "\n\n".join(line for line in (SEEDS / name).read_text(encoding="utf-8").splitlines() if line.strip())


def test_same_file_names_in_two_folders_and_a_wget_mirror_all_get_digests(env: dict[str, str], tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    for folder, seed in (("a", "000_41b56ad6ca49ea79.txt"), ("b", "002_31b79cce48f1d696.txt")):
        (inputs / folder).mkdir(parents=True)
        (inputs / folder / "x.txt").write_text(seed_lines(seed), encoding="utf-8")
    for number, seed in (("1001", "001_2fc5d2ec209e6642.txt"), ("1002", "004_abe0edcc387d59e3.txt")):
        (inputs / "news" / number).mkdir(parents=True)
        html = f"<html><body><article><p>{seed_lines(seed).replace(chr(10) * 2, '</p><p>')}</p></article></body></html>"
        (inputs / "news" / number / "index.html").write_text(html, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["digest", str(inputs), "-o", str(out), "--fast", "--method", "extractive",
                                      "--format", "json", "-q"], env=env)
    assert result.exit_code == 0, result.output
    written = sorted(p.stem for p in out.glob("*.json"))
    assert len(written) == 4 and "index" not in written
    sources = {json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))["source_path"] for stem in written}
    assert len(sources) == 4
    index = (out / "index.md").read_text(encoding="utf-8")
    assert all(f"(./{stem}.json)" in index for stem in written)
    again = tmp_path / "again"
    CliRunner().invoke(app, ["digest", str(inputs), "-o", str(again), "--fast", "--method", "extractive",
                             "--format", "json", "-q"], env=env)
    assert sorted(p.stem for p in again.glob("*.json")) == written


def test_one_failed_record_of_a_jsonl_file_keeps_the_others(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("digest.jobs.CHUNK_SENTENCES", 1)  # one article per chunk, as in a large batch
    records = [{"id": f"r{n}", "text": seed_lines(seed)} for n, seed in
               enumerate(("000_41b56ad6ca49ea79.txt", "001_2fc5d2ec209e6642.txt", "002_31b79cce48f1d696.txt"))]
    source = tmp_path / "day.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "r0.json").mkdir()  # the first record's output cannot be written
    result = CliRunner().invoke(app, ["digest", str(source), "-o", str(out), "--fast", "--method", "extractive",
                                      "--format", "json", "-q"], env=env)
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "cannot write output" in errors[0]
    assert (out / "r1.json").is_file() and (out / "r2.json").is_file()


def test_a_brief_keeps_both_articles_that_share_a_file_name(env: dict[str, str], tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    for folder, seed in (("a", "003_74ed4e50eb75564b.txt"), ("b", "004_abe0edcc387d59e3.txt")):
        (inputs / folder).mkdir(parents=True)
        (inputs / folder / "brief.txt").write_text(seed_lines(seed), encoding="utf-8")  # a reserved name, twice
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["brief", str(inputs), "-o", str(out), "--fast", "--method", "extractive",
                                      "--date", "2024-03-19", "-q"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    articles = [a for story in data["stories"] for a in story["articles"]]
    assert len(articles) == 2 and len(set(articles)) == 2 and all(a.startswith("brief-") for a in articles)
    assert sorted(p.stem for p in (out / "articles").glob("*.json")) == sorted(articles)
