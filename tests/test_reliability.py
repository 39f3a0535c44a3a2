"""Reliability (issue 11): interruption and concurrency leave finished outputs complete, nothing half-written and
the cache consistent; corrupt, missing and unknown models stop with their exit code; inputs that vanish mid-run
and unwritable output directories get one clear line each.
"""

from __future__ import annotations

import ctypes
import dataclasses
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli import app
from modelstore.lock import load_lock
from modelstore.store import model_dir
from modelstore.verify import verify_model
from summarize.engine import Limits, SummaryOptions, load_summarizer
from tests.test_ingest_readers import PNG_BYTES, SORANI, URDU

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def many_articles(directory: Path, copies: int) -> Path:
    """Distinct articles made from the seeds (a numbered line keeps each one different)."""
    directory.mkdir(parents=True)
    for n in range(copies):
        for seed in sorted(SEEDS.glob("*.txt")):
            text = seed.read_text(encoding="utf-8")
            lines = text.splitlines()
            lines.insert(2, f"گزارش شماره {n} از این خبر در روز {n + 1} منتشر شد.")
            (directory / f"{n:03d}_{seed.name}").write_text("\n".join(lines), encoding="utf-8")
    return directory


def mtdigest(env: dict[str, str], *args: str, chunk_sentences: int | None = None,
             preexec_fn: Callable[[], None] | None = None) -> subprocess.Popen[str]:
    """The CLI in a child process; `chunk_sentences` makes `digest`/`brief` write outputs after fewer sentences."""
    hook = f"import digest.jobs; digest.jobs.CHUNK_SENTENCES = {chunk_sentences}; " if chunk_sentences else ""
    code = hook + "import sys; from cli import app; sys.argv = ['mtdigest', *sys.argv[1:]]; app()"
    def start() -> None:
        # A job a non-interactive shell puts in the background inherits SIGINT ignored (CI runners do this), and
        # Python then never raises KeyboardInterrupt: give the child the disposition of a foreground run.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if preexec_fn:
            preexec_fn()

    return subprocess.Popen([sys.executable, "-c", code, *args], env={**os.environ, **env}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=SEEDS.parent, preexec_fn=start)


@pytest.fixture()
def env(tiny_models: Path, tmp_path: Path) -> dict[str, str]:
    return {"MTDIGEST_LOCK": str(tiny_models / "models.lock"), "MTDIGEST_HOME": str(tiny_models / "home"),
            "MTDIGEST_CACHE": str(tmp_path / "cache.sqlite"), "OMP_NUM_THREADS": "1"}


def interrupt_when(run: subprocess.Popen[str], ready: Callable[[], bool], sig: int) -> None:
    """Send `sig` once `ready()` holds (some output finished); the run must end as an interrupt: exit 130,
    the one-line message, no traceback. (The first output appears long before the last, so a run that
    finishes anyway ignored the signal: a failure, not a skip.)"""
    deadline = time.monotonic() + 120
    while not ready() and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
    run.send_signal(sig)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130, f"exit {run.returncode} after {signal.Signals(sig).name}: {err}"
    assert "interrupted" in err and "Traceback" not in err


def assert_outputs_complete(out: Path, digests: Path | None = None) -> list[Path]:
    """No half-written file anywhere under `out`; every article JSON in `digests` (default `out`) is whole."""
    assert not list(out.rglob("*.part")), "a half-written file was left behind"
    written = sorted((digests or out).glob("*.json"))
    for path in written:
        assert json.loads(path.read_text(encoding="utf-8"))["schema_version"] == 1
    return written


# Each command meets each signal and each cache setting once (a pairwise cover of the 2 x 2 x 2 cases:
# every run translates ten articles twice, so the full product would cost minutes for no new path).
@pytest.mark.parametrize(("command", "sig", "no_cache"), [
    ("digest", signal.SIGINT, False),
    ("digest", signal.SIGTERM, True),
    ("brief", signal.SIGTERM, False),
    ("brief", signal.SIGINT, True),
], ids=["digest-SIGINT-cache", "digest-SIGTERM-no-cache", "brief-SIGTERM-cache", "brief-SIGINT-no-cache"])
def test_interrupted_run_keeps_finished_outputs_and_resumes(env: dict[str, str], tmp_path: Path, command: str,
                                                            sig: int, no_cache: bool) -> None:
    inputs = many_articles(tmp_path / "in", copies=2)
    out = tmp_path / "out"
    digests = out / "articles" if command == "brief" else out
    args = (command, str(inputs), "-o", str(out), "--fast", "--method", "extractive", "--engine", "transformers", "-q",
            *(["--no-cache"] if no_cache else []))
    interrupt_when(mtdigest(env, *args, chunk_sentences=30), lambda: bool(list(digests.glob("*.json"))), sig)
    first = assert_outputs_complete(out, digests)
    assert 0 < len(first) < 10 and not (out / "brief.json").exists()
    cache = Path(env["MTDIGEST_CACHE"])
    if no_cache:
        assert not cache.exists()
    else:
        with sqlite3.connect(cache) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    again = mtdigest(env, *args, chunk_sentences=30)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    finished = assert_outputs_complete(out, digests)
    assert len(finished) == 10
    if command == "brief":
        brief = json.loads((out / "brief.json").read_text(encoding="utf-8"))
        assert sorted(a for story in brief["stories"] for a in story["articles"]) == [p.stem for p in finished]


def test_two_processes_share_cache_and_output_dir(env: dict[str, str], tmp_path: Path) -> None:
    inputs = many_articles(tmp_path / "in", copies=3)
    out = tmp_path / "out"
    args = ("digest", str(inputs), "-o", str(out), "--fast", "--method", "extractive", "-q")
    runs = [mtdigest(env, *args), mtdigest(env, *args)]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    assert len(assert_outputs_complete(out)) == 15
    with sqlite3.connect(env["MTDIGEST_CACHE"]) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT COUNT(*) FROM translations").fetchone()[0] > 0


# Models: corrupt files are caught at load (exit 4), unknown aliases (exit 2), missing models (exit 3),
# out-of-memory batches back off.

def cli(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


def error_lines(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("error:")]


@pytest.fixture()
def own_models(tiny_models: Path, tmp_path: Path, env: dict[str, str]) -> tuple[dict[str, str], Path]:
    """A private copy of the tiny models home (safe to corrupt), hashed once so its verified markers hold."""
    home = tmp_path / "home"
    shutil.copytree(tiny_models / "home", home)
    lock = load_lock(tiny_models / "models.lock")
    for entry in lock.models.values():
        assert verify_model(entry, home).verified
    return {**env, "MTDIGEST_HOME": str(home)}, home


def model_file(env: dict[str, str], alias: str, name: str) -> Path:
    return model_dir(load_lock(Path(env["MTDIGEST_LOCK"])).get(alias), Path(env["MTDIGEST_HOME"])) / name


ONE_ARTICLE = str(SEEDS / "003_74ed4e50eb75564b.txt")


@pytest.mark.parametrize(("alias", "method"), [("tiny-nllb", "extractive"), ("tiny-bart", "abstractive")])
def test_a_flipped_byte_in_the_weights_stops_digest_with_exit_4(own_models, tmp_path: Path, alias: str,
                                                                 method: str) -> None:
    env, home = own_models
    weights = model_file(env, alias, "model.safetensors")
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0x01  # same size: only the hash tells
    weights.write_bytes(bytes(data))
    out = tmp_path / "out"
    result = cli(env, "digest", ONE_ARTICLE, "-o", str(out), "--fast", "--method", method, "-q")
    assert result.exit_code == 4, result.output
    (line,) = error_lines(result)
    expected = next(f.sha256 for f in load_lock(Path(env["MTDIGEST_LOCK"])).get(alias).files
                    if f.path == "model.safetensors")
    assert f"'{alias}'" in line and "model.safetensors" in line and expected in line
    assert hashlib.sha256(bytes(data)).hexdigest() in line and f"mtdigest models pull {alias}" in line
    assert "Traceback" not in result.output and not list(out.glob("*.json"))


def test_a_truncated_weights_file_stops_digest_with_exit_4(own_models, tmp_path: Path) -> None:
    env, home = own_models
    weights = model_file(env, "tiny-nllb", "model.safetensors")
    weights.write_bytes(weights.read_bytes()[:-100])
    result = cli(env, "digest", ONE_ARTICLE, "-o", str(tmp_path / "out"), "--fast", "--method", "extractive", "-q")
    assert result.exit_code == 4, result.output
    (line,) = error_lines(result)
    assert "'tiny-nllb'" in line and "model.safetensors" in line and "bytes" in line


def test_an_untouched_model_loads_without_rehashing(own_models, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import modelstore.verify

    env, home = own_models
    hashed: list[str] = []
    real = modelstore.verify.digest_file
    monkeypatch.setattr(modelstore.verify, "digest_file", lambda root, relative, on_bytes=None: (
        hashed.append(relative), real(root, relative, on_bytes))[1])
    result = cli(env, "digest", ONE_ARTICLE, "-o", str(tmp_path / "out"), "--fast", "-q")  # translator + summarizer
    assert result.exit_code == 0, result.output
    assert hashed == []


@pytest.mark.parametrize("command", ["digest", "translate", "brief"])
def test_an_unknown_model_alias_is_a_usage_error(env: dict[str, str], tmp_path: Path, command: str) -> None:
    result = cli(env, command, ONE_ARTICLE, "-o", str(tmp_path / "out"), "--model", "nope", "-q")
    assert result.exit_code == 2, result.output
    (line,) = error_lines(result)
    assert "no model with alias 'nope'" in line and "tiny-nllb" in line


def test_a_lock_whose_defaults_name_an_unknown_alias_is_a_usage_error(env: dict[str, str], tmp_path: Path) -> None:
    lock = Path(env["MTDIGEST_LOCK"]).read_text(encoding="utf-8").replace('fa = "tiny-nllb"', 'fa = "tiny-gone"')
    (tmp_path / "models.lock").write_text(lock, encoding="utf-8")
    result = cli({**env, "MTDIGEST_LOCK": str(tmp_path / "models.lock")}, "digest", ONE_ARTICLE,
                 "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 2, result.output
    assert "no model with alias 'tiny-gone'" in error_lines(result)[0]


@pytest.mark.parametrize("command", ["translate", "brief"])  # digest: tests/test_digest.py
def test_missing_models_exit_3_with_instructions(env: dict[str, str], tmp_path: Path, command: str) -> None:
    result = cli({**env, "MTDIGEST_HOME": str(tmp_path / "empty")}, command, ONE_ARTICLE,
                 "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 3, result.output
    (line,) = error_lines(result)
    assert "mtdigest models pull tiny-nllb" in line and not (tmp_path / "out").exists()


def test_an_out_of_memory_summary_batch_is_halved_and_retried(tiny_models: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Translation batches: tests/test_translate.py."""
    summarizer = load_summarizer(load_lock(tiny_models / "models.lock").get("tiny-bart"), engine="transformers",
                                 home=tiny_models / "home")
    texts = [s.read_text(encoding="utf-8").splitlines()[0] for s in sorted(SEEDS.glob("*.txt"))[:4]]
    limits, options = Limits(min_tokens=2, max_tokens=6), SummaryOptions(beam_size=1, batch_size=4)
    one_at_a_time = summarizer.summarize_texts(texts, limits, dataclasses.replace(options, batch_size=1))
    sizes: list[int] = []
    real = summarizer.generate_ids

    def out_of_memory_over_one(ids, limits, options):
        sizes.append(len(ids))
        if len(ids) > 1:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(ids, limits, options)

    monkeypatch.setattr(summarizer, "generate_ids", out_of_memory_over_one)
    assert summarizer.summarize_texts(texts, limits, options) == one_at_a_time
    assert sizes == [4, 2, 1, 1, 2, 1, 1]


# The input matrix (README, "Exit codes"): one line per bad input, naming it; the rest of the batch is written.

MATRIX = {
    "empty.txt": (b"", "empty file: no text to read"),
    "blank.txt": (b"  \n\t\n   \n", "no text: the input is empty or whitespace only"),
    "image.txt": (PNG_BYTES, "binary file (PNG image), not text"),
    "undecodable.txt": (bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xFF, 0xFE, 0xC0]) * 50,
                        "binary or undecodable data: no text encoding fits"),
    "furniture.txt": ("رفتن به محتوا\nکد خبر 503428\nنظرات کاربران\nنظر شما\nانتهای پیام/\n".encode(),
                      "no article text left after removing page furniture"),
    "no-article.html": ("<html><body><nav><a href='/'>صفحه اصلی</a> <a href='/c'>تماس با ما</a></nav></body></html>"
                        .encode(), "no article text left after removing page furniture"),
    "urdu.txt": (URDU.encode(), "unsupported language: Urdu (ur"),
    "kurdish.txt": (SORANI.encode(), "unsupported language: Kurdish (Sorani) (ckb"),
    "records.jsonl:2": (None, "not valid JSON"),
    "no-articles": (None, "directory holds no .txt, .html, .json or .jsonl files"),
    "missing.txt": (None, "no such file or directory"),
}


def test_every_bad_input_is_one_line_and_the_rest_is_written(env: dict[str, str], tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, (data, _) in MATRIX.items():
        if data is not None:
            (inputs / name).write_bytes(data)
    (inputs / "english.txt").write_text("Iran and Syria signed a defence agreement in Tehran on Monday.\n"
                                        "The ministers met for three hours.\n", encoding="utf-8")
    seed = (SEEDS / "003_74ed4e50eb75564b.txt").read_text(encoding="utf-8")
    (inputs / "records.jsonl").write_text(json.dumps({"id": "r1", "text": seed}) + "\n{not json\n", encoding="utf-8")
    (tmp_path / "no-articles").mkdir()
    out = tmp_path / "out"
    result = cli(env, "digest", str(inputs), str(tmp_path / "no-articles"), str(tmp_path / "missing.txt"),
                 "-o", str(out), "--fast", "--method", "extractive", "-q")
    assert result.exit_code == 1, result.output
    lines = error_lines(result)
    assert len(lines) == len(MATRIX), lines
    for name, (_, problem) in MATRIX.items():
        where = tmp_path / name if name in ("no-articles", "missing.txt") else inputs / name
        assert sum(line.startswith(f"error: {where}: {problem}") for line in lines) == 1, (name, lines)
    assert sorted(p.name for p in out.glob("*.json")) == ["english.json", "r1.json"]  # English passes through
    english = json.loads((out / "english.json").read_text(encoding="utf-8"))
    assert english["language"] == "en"


def test_a_5_mb_article_is_read_whole(tmp_path: Path) -> None:
    """Not an error: a 5 MB article is one article with every sentence kept (translation time grows with it)."""
    from ingest import read_inputs

    lines = (SEEDS / "002_31b79cce48f1d696.txt").read_text(encoding="utf-8").splitlines()
    body = "\n".join(lines[1:])
    copies = 5_000_000 // len(body.encode()) + 1
    # Each copy's lines differ (a line repeated a thousand times is page furniture, rightly removed).
    parts = ["\n".join(f"در بخش {n}، {line}" if line.strip() else line for line in lines[1:]) for n in range(copies)]
    big = tmp_path / "big.txt"
    big.write_text(lines[0] + "\n" + "\n\n".join(parts), encoding="utf-8")
    assert big.stat().st_size >= 5_000_000
    (article,) = list(read_inputs([str(big)]))
    assert not isinstance(article, Exception), article
    sentences = article.sentences()
    assert len(sentences) > 10 * copies and len({s.id for s in sentences}) == len(sentences)
    assert sentences[-1].source.startswith(f"در بخش {copies - 1}، ")  # nothing dropped at the end


# Inputs that vanish, outputs that cannot be written.

@pytest.mark.parametrize("command", ["digest", "translate", "brief"])
def test_a_file_removed_after_listing_fails_alone(env: dict[str, str], tmp_path: Path, command: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.readers

    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    gone = inputs / "002_31b79cce48f1d696.txt"
    listed = ingest.readers.files_under

    def list_then_remove(directory: Path) -> list[Path]:
        files = listed(directory)
        gone.unlink(missing_ok=True)  # listed, then deleted before it is read
        return files

    monkeypatch.setattr(ingest.readers, "files_under", list_then_remove)
    out = tmp_path / "out"
    extractive = [] if command == "translate" else ["--method", "extractive"]
    result = cli(env, command, str(inputs), "-o", str(out), "--fast", "-q", *extractive)
    assert result.exit_code == 1, result.output
    (line,) = error_lines(result)
    assert str(gone) in line and "no longer exists" in line
    written = out / "articles" if command == "brief" else out
    assert sorted(p.stem for p in written.glob("*.json")) == sorted(
        p.stem for p in SEEDS.glob("*.txt") if p.name != gone.name)
    assert command != "brief" or (out / "brief.json").is_file()


PR_CAPBSET_DROP = 24
OVERRIDES = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER


def drop_root_overrides() -> None:
    """In the child before exec: without these capabilities root is held to file modes like any user."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in OVERRIDES:
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def held_to_file_modes(scratch: Path) -> Callable[[], None] | None:
    """How to start a child that a mode-0o555 directory really refuses.

    Tests often run as root, which ignores modes. Running the child as nobody (uid 65534) would need the
    repository, the models and the Python install readable by it (here Python lives under /root, mode 0700);
    a root child that dropped the override capabilities gets the same kernel checks with nothing copied.
    """
    if os.geteuid() != 0:
        return None
    locked = scratch / "locked"
    locked.mkdir(mode=0o555)
    try:
        probe = subprocess.run([sys.executable, "-c", f"open({str(locked / 'x')!r}, 'x')"],
                               preexec_fn=drop_root_overrides, capture_output=True)
    except (OSError, subprocess.SubprocessError):
        probe = None
    if probe is None or probe.returncode == 0:
        pytest.skip("cannot start a child that file modes bind (root without CAP_SETPCAP)")
    return drop_root_overrides


@pytest.mark.parametrize("command", ["digest", "translate", "brief", "batch"])
def test_an_unwritable_output_directory_is_one_clear_usage_error(env: dict[str, str], tmp_path: Path,
                                                                 command: str) -> None:
    preexec = held_to_file_modes(tmp_path)
    out = tmp_path / "out"
    out.mkdir(mode=0o555)
    extractive = [] if command == "translate" else ["--method", "extractive"]
    run = mtdigest(env, command, ONE_ARTICLE, "-o", str(out), "--fast", "-q", *extractive, preexec_fn=preexec)
    _, err = run.communicate(timeout=300)
    assert run.returncode == 2, err
    (line,) = [line for line in err.splitlines() if line.strip()]
    assert str(out) in line and "Permission denied" in line
    assert list(out.iterdir()) == []


BAD_OPTIONS = [
    (["--beam", "0"], "--beam 0"),
    (["--repetition-penalty", "0"], "--repetition-penalty 0"),
    (["--no-repeat-ngram", "-1"], "--no-repeat-ngram -1"),
    (["--precision", "int4"], "--precision int4"),
    (["--engine", "transformers", "--precision", "int8"], "--precision int8"),
    (["--engine", "ctranslate2", "--precision", "bf16"], "--precision bf16"),
    (["--length-penalty", "nan"], "--length-penalty nan"),
    (["--device", "gpu"], "--device gpu"),
    (["--max-batch-tokens", "0"], "--max-batch-tokens 0"),
]


@pytest.mark.parametrize(("options", "message"), BAD_OPTIONS, ids=[" ".join(o) for o, _ in BAD_OPTIONS])
def test_a_bad_option_value_is_one_line_and_exit_2_before_any_model_time(
    env: dict[str, str], tmp_path: Path, options: list[str], message: str
) -> None:
    result = cli(env, "digest", ONE_ARTICLE, "-o", str(tmp_path / "out"), *options, "-q")
    assert result.exit_code == 2, result.output
    assert error_lines(result) and message in error_lines(result)[0] and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["digest", "summarize", "batch"])
@pytest.mark.parametrize(("options", "message"), [(["--sentences", "-3"], "sentences must be at least 1"),
                                                   (["--ratio", "7"], "ratio must be in (0, 1]")])
def test_a_bad_summary_length_is_exit_2_before_anything_is_translated(
    env: dict[str, str], tmp_path: Path, command: str, options: list[str], message: str
) -> None:
    result = cli(env, command, ONE_ARTICLE, "-o", str(tmp_path / "out"), *options, "-q")
    assert result.exit_code == 2, result.output
    assert message in error_lines(result)[0] and not (tmp_path / "out").exists()


def test_cuda_without_a_gpu_is_a_usage_error(env: dict[str, str], tmp_path: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    result = cli(env, "translate", ONE_ARTICLE, "-o", str(tmp_path / "out"), "--device", "cuda", "-q")
    assert result.exit_code == 2 and "no CUDA GPU" in error_lines(result)[0]


def test_a_garbage_cache_is_moved_aside_with_one_warning_and_rebuilt(env: dict[str, str], tmp_path: Path) -> None:
    cache = Path(env["MTDIGEST_CACHE"])
    cache.write_bytes(b"this is not a database\n" * 100)
    result = cli(env, "translate", ONE_ARTICLE, "-o", str(tmp_path / "out"), "--fast", "-q")
    assert result.exit_code == 0, result.output
    (warning,) = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert str(cache) in warning and "moved it aside" in warning
    (aside,) = cache.parent.glob(f"{cache.name}.corrupt-*")
    assert aside.read_bytes().startswith(b"this is not a database")
    assert cli(env, "cache", "stats", "--json").exit_code == 0
    cache.write_bytes(b"garbage again")
    cleared = cli(env, "cache", "clear", "--yes")
    assert cleared.exit_code == 0 and "Traceback" not in cleared.output


@pytest.mark.parametrize("command", [["translate", ONE_ARTICLE, "-o", "OUT", "--fast", "-q"], ["cache", "clear", "-y"],
                                     ["cache", "stats"]])
def test_a_cache_path_that_is_a_directory_is_one_line_and_exit_2(
    env: dict[str, str], tmp_path: Path, command: list[str]
) -> None:
    Path(env["MTDIGEST_CACHE"]).mkdir()
    result = cli(env, *[str(tmp_path / "out") if a == "OUT" else a for a in command])
    assert result.exit_code == 2, result.output
    (line,) = error_lines(result)
    assert env["MTDIGEST_CACHE"] in line and "is a directory" in line and "--no-cache" in line


@pytest.mark.parametrize("where", ["read-only file", "read-only directory"])
def test_a_cache_that_cannot_be_written_is_one_line_and_exit_2(env: dict[str, str], tmp_path: Path, where: str) -> None:
    preexec = held_to_file_modes(tmp_path)
    cache = Path(env["MTDIGEST_CACHE"])
    if where == "read-only file":
        seeded = cli(env, "cache", "stats")  # creates an empty cache
        assert seeded.exit_code == 0
        for path in cache.parent.glob(cache.name + "*"):
            path.chmod(0o444)
    else:
        cache = tmp_path / "locked-cache" / "translations.sqlite"
        cache.parent.mkdir(mode=0o555)
    run = mtdigest({**env, "MTDIGEST_CACHE": str(cache)}, "translate", ONE_ARTICLE, "-o", str(tmp_path / "out"),
                   "--fast", "-q", preexec_fn=preexec)
    _, err = run.communicate(timeout=300)
    assert run.returncode == 2, err
    (line,) = [line for line in err.splitlines() if line.strip()]
    assert str(cache) in line and "translation cache" in line and "--no-cache" in line


@pytest.mark.parametrize("command", ["digest", "brief"])
def test_a_full_disk_at_the_index_or_brief_is_one_line_with_every_earlier_error(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    import errno

    import digest.jobs

    real = digest.jobs.write_atomic

    def full_disk(path: Path, text: str) -> None:
        if path.name.startswith(("index.", "brief.")) or path.name == "002_31b79cce48f1d696.html":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, text)

    monkeypatch.setattr(digest.jobs, "write_atomic", full_disk)
    out = tmp_path / "out"
    result = cli(env, command, str(SEEDS), "-o", str(out), "--fast", "--method", "extractive", "-q")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = error_lines(result)
    assert any("002_31b79cce48f1d696" in line and "No space left on device" in line for line in lines)
    names = ("index.html", "index.md") if command == "digest" else ("brief.html", "brief.md", "brief.json")
    for name in names:
        assert any(f"{name}: cannot write (No space left on device)" in line for line in lines), lines


def test_models_home_that_is_a_file_and_compare_into_a_file_are_one_line_and_exit_2(
    env: dict[str, str], tmp_path: Path
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    for args, extra in ((["translate", ONE_ARTICLE, "-o", str(tmp_path / "out"), "-q"], {"MTDIGEST_HOME": str(a_file)}),
                        (["models", "list"], {"MTDIGEST_HOME": str(a_file)})):
        result = cli({**env, **extra}, *args)
        assert result.exit_code == 2, result.output
        (line,) = error_lines(result)
        assert str(a_file) in line and "not a directory" in line
    english = tmp_path / "english.txt"
    english.write_text("The minister met his counterpart in the capital.\n", encoding="utf-8")
    result = cli(env, "compare", ONE_ARTICLE, str(english), "-o", str(a_file), "--no-model")
    assert result.exit_code == 2 and "Traceback" not in result.output
    (line,) = error_lines(result)
    assert str(a_file) in line and "is not a directory" in line


@pytest.mark.parametrize("command", ["inspect", "translate"])
def test_an_input_over_the_size_limit_is_refused_unread_and_the_rest_goes_on(
    env: dict[str, str], tmp_path: Path, command: str
) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes((SEEDS / "003_74ed4e50eb75564b.txt").read_bytes() * 400)  # about 1 MB
    out = ["-o", str(tmp_path / "out"), "--fast"] if command == "translate" else []
    result = cli(env, command, str(big), ONE_ARTICLE, *out, "--max-input-mb", "0.5", "-q" if out else "--json")
    assert result.exit_code == 1, result.output
    (line,) = error_lines(result)
    assert str(big) in line and "larger than the 0.5 MB input limit (--max-input-mb)" in line
    assert command == "inspect" or (tmp_path / "out" / "003_74ed4e50eb75564b.json").is_file()


def test_an_endless_input_is_refused_at_the_limit(env: dict[str, str]) -> None:
    result = cli(env, "inspect", "/dev/zero", "--max-input-mb", "2")
    assert result.exit_code == 1 and "larger than the 2 MB input limit" in error_lines(result)[0]


def test_a_non_positive_size_limit_is_a_usage_error(env: dict[str, str], tmp_path: Path) -> None:
    result = cli(env, "translate", ONE_ARTICLE, "-o", str(tmp_path / "out"), "--max-input-mb", "0", "-q")
    assert result.exit_code == 2 and "--max-input-mb 0" in error_lines(result)[0]


def test_symbolic_link_loops_and_broken_links_are_named_given_or_in_a_folder(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ONE_ARTICLE, folder / "good.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    result = cli(env, "inspect", str(folder), str(folder / "loop.txt"), "--json")
    assert result.exit_code == 1
    lines = error_lines(result)
    assert len(lines) == 3, lines
    assert sum("loop.txt: symbolic link loop" in line for line in lines) == 2
    assert any("gone.txt: broken symbolic link" in line and "nowhere.txt" in line for line in lines)
    assert result.output.count('"schema_version"') == 1  # good.txt was read


def test_article_json_with_repeated_ids_or_a_string_schema_version_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    sentence = {"id": "p1.s1", "source": "متن", "normalized": "متن", "english": "text"}
    article = {"schema_version": 1, "id": "dup", "language": "fa", "title": {"source": "t", "english": "t"},
               "paragraphs": [{"id": "p1", "sentences": [sentence, sentence]}]}
    (tmp_path / "dup.json").write_text(json.dumps(article, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "str.json").write_text(json.dumps({**article, "id": "str", "schema_version": "1",
                                                   "paragraphs": [{"id": "p1", "sentences": [sentence]}]}),
                                       encoding="utf-8")
    result = cli(env, "digest", str(tmp_path / "dup.json"), str(tmp_path / "str.json"), "--from-json",
                 "-o", str(tmp_path / "out"), "--method", "none", "-q")
    assert result.exit_code == 1
    lines = error_lines(result)
    assert any("dup.json" in line and "'p1.s1' appears more than once" in line for line in lines)
    assert any("str.json" in line and "unsupported schema_version '1' (a str" in line for line in lines)


@pytest.mark.parametrize("verbose", [False, True])
def test_library_chatter_goes_to_the_log_file_and_shows_only_with_verbose(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, verbose: bool
) -> None:
    import logging
    import warnings

    import ingest.readers

    real = ingest.readers.prepare_articles

    def chatty(*args: object, **kwargs: object) -> object:
        warnings.warn("`torch_dtype` is deprecated! Use `dtype` instead!", FutureWarning)
        logging.getLogger("transformers.generation").warning("generation config notice")
        return real(*args, **kwargs)

    monkeypatch.setattr(ingest.readers, "prepare_articles", chatty)
    log = tmp_path / "logs" / "mtdigest.log"
    result = cli({**env, "MTDIGEST_LOG": str(log)}, *(["--verbose"] if verbose else []), "inspect", ONE_ARTICLE,
                 "--json")
    assert result.exit_code == 0, result.output
    logged = log.read_text(encoding="utf-8")
    assert "torch_dtype` is deprecated" in logged and "generation config notice" in logged
    shown = "torch_dtype" in result.output or "generation config notice" in result.output
    assert shown == verbose
    assert (f"logged to {log}" in result.output) == verbose
