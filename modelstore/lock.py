"""Read and validate `models.lock`: the exact models (repo + commit + file hashes) the tool runs.

Pinning a full commit and the files' hashes is what makes a digest reproducible
and lets an air-gapped machine prove it runs the same weights.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import LockError

ROLES = ("translate", "summarize")
ARCHITECTURES = ("nllb", "marian", "bart")
LOCK_VERSION = 1
_REVISION = re.compile(r"[0-9a-f]{40}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_ALIAS = re.compile(r"[a-z0-9][a-z0-9._-]*")
_REQUIRED = ("alias", "role", "architecture", "repo", "revision", "license", "languages")
# A Marian model with several target languages is told which one to write by a token like `>>eng<<`.
_TARGET_TOKEN = re.compile(r">>[a-z]{2,3}(_[A-Za-z]{4})?<<")
# Licences whose terms forbid commercial use (Creative Commons NonCommercial variants).
_NON_COMMERCIAL = re.compile(r"(^|-)nc(-|$)")


@dataclass(frozen=True)
class FloresScore:
    """A published FLORES-200 devtest score of a model for one source language into English, with its source."""

    bleu: float
    chrf_pp: float
    source: str


@dataclass(frozen=True)
class LockedFile:
    path: str
    size: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class ModelEntry:
    """One pinned model: where it comes from, what it serves, which files it has."""

    alias: str
    role: str
    architecture: str
    repo: str
    revision: str
    license: str
    languages: tuple[str, ...]
    language_codes: dict[str, str] = field(default_factory=dict)
    files: tuple[LockedFile, ...] = ()
    commercial_use: bool = True
    target_token: str | None = None
    flores200: dict[str, FloresScore] = field(default_factory=dict)
    parameters: str | None = None  # e.g. "239M": how big the model is before its file sizes are recorded

    @property
    def dirname(self) -> str:
        """Directory name of the repo under the models home (`org--name`)."""
        return self.repo.replace("/", "--")

    @property
    def size(self) -> int | None:
        """Total bytes of the locked files, when every size is known."""
        sizes = [f.size for f in self.files]
        return None if not sizes or None in sizes else sum(sizes)  # type: ignore[arg-type]

    def describe(self) -> dict[str, Any]:
        """What other outputs record about the model that produced them (the licence too: a reader must be
        able to tell whether a digest may be used commercially)."""
        described: dict[str, Any] = {"alias": self.alias, "repo": self.repo, "revision": self.revision,
                                     "license": self.license, "commercial_use": self.commercial_use}
        if self.target_token:
            described["target_token"] = self.target_token
        return described


@dataclass(frozen=True)
class Lock:
    path: Path
    models: dict[str, ModelEntry]
    translate_defaults: dict[str, str]
    summarize_default: str | None

    def get(self, alias: str) -> ModelEntry:
        """The entry named `alias`, or a LockError listing the known aliases."""
        try:
            return self.models[alias]
        except KeyError:
            known = ", ".join(sorted(self.models)) or "none"
            raise LockError(f"{self.path}: no model with alias '{alias}' (known: {known})") from None

    def translator_for(self, language: str, choice: Sequence[str] = ()) -> ModelEntry:
        """The translator for a source language: `LANG=ALIAS` in `choice` for this language, else the first
        plain `ALIAS` of `choice` that serves it, else the lock's `[defaults.translate]`.

        So `--model opus-mt-tc-big-ar-en` on a mixed batch changes Arabic only, and Persian keeps its default.
        """
        chosen = parse_choice(self, choice)
        alias = chosen.by_language.get(language) or next(
            (a for a in chosen.plain if language in self.get(a).languages), None
        ) or self.translate_defaults.get(language)
        if alias is None:
            raise LockError(f"{self.path}: [defaults.translate] names no model for language '{language}'")
        return self.get(alias)

    def back_translator_for(self, language: str, choice: Sequence[str] = ()) -> ModelEntry:
        """A many-to-many model (NLLB) that writes `language` from English, for back-translating summaries:
        the translator `translator_for` picks when it is one, else the first NLLB entry of the lock serving
        `language` (Marian models here translate into English only)."""
        chosen = self.translator_for(language, choice)
        candidates = [chosen, *self.models.values()]
        found = next((e for e in candidates if e.architecture == "nllb" and language in e.languages), None)
        if found is None:
            raise LockError(f"{self.path}: back-translation into '{language}' needs an NLLB model that serves "
                            f"'{language}', and the lock has none")
        return found

    def summarizer(self) -> ModelEntry:
        """The default summarization model."""
        if self.summarize_default is None:
            raise LockError(f"{self.path}: [defaults] names no 'summarize' model")
        return self.get(self.summarize_default)


@dataclass(frozen=True)
class ModelChoice:
    """What `--model` asked for: per-language aliases (`fa=ALIAS`) and plain aliases (for every language
    they serve, in the order given)."""

    by_language: dict[str, str] = field(default_factory=dict)
    plain: tuple[str, ...] = ()


def parse_choice(lock: Lock, choice: Sequence[str]) -> ModelChoice:
    """`--model` values (`ALIAS` or `LANG=ALIAS`) checked against the lock: a LockError (exit 2) names an
    unknown alias, a model that does not translate, a language its model does not serve, or a language
    chosen twice."""
    by_language: dict[str, str] = {}
    plain: list[str] = []
    for spec in choice:
        language, _, alias = (part.strip() for part in spec.rpartition("="))
        entry = lock.get(alias)
        if entry.role != "translate":
            raise LockError(f"--model {spec}: '{entry.alias}' is a {entry.role} model, not a translator")
        if not language:
            plain.append(entry.alias)
            continue
        if language not in entry.languages:
            raise LockError(f"--model {spec}: '{entry.alias}' does not translate '{language}' "
                            f"(it serves {', '.join(entry.languages)})")
        if by_language.get(language, entry.alias) != entry.alias:
            raise LockError(f"--model {spec}: '{language}' is already given to '{by_language[language]}'")
        by_language[language] = entry.alias
    return ModelChoice(by_language, tuple(plain))


def default_lock_path() -> Path:
    """`MTDIGEST_LOCK` if set, else the `models.lock` shipped in the package (package data of `modelstore`, so
    wheel and editable installs alike have it; in a checkout it links to the top-level `models.lock`)."""
    env = os.environ.get("MTDIGEST_LOCK")
    if env:
        return Path(env)
    # Resolved: `models pull --update-lock` rewrites the file the link points at, never the link itself.
    return (Path(__file__).parent / "models.lock").resolve()


def load_lock(path: Path | str | None = None) -> Lock:
    """Parse and validate a lock file; every problem is a LockError naming file and field."""
    path = Path(path) if path is not None else default_lock_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LockError(f"{path}: lock file not found (set --lock or MTDIGEST_LOCK)") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LockError(f"{path}: not valid TOML ({exc})") from None
    return parse_lock(data, path)


def parse_lock(data: dict[str, Any], path: Path) -> Lock:
    """Validate the parsed TOML of a lock file."""
    version = data.get("lock_version", LOCK_VERSION)
    if version != LOCK_VERSION:
        raise LockError(f"{path}: lock_version {version} is not supported (expected {LOCK_VERSION})")
    raw_models = data.get("models")
    if not isinstance(raw_models, list) or not raw_models:
        raise LockError(f"{path}: no [[models]] entries")
    models: dict[str, ModelEntry] = {}
    for index, raw in enumerate(raw_models, start=1):
        entry = _parse_entry(raw, f"{path}: [[models]] #{index}")
        if entry.alias in models:
            raise LockError(f"{path}: alias '{entry.alias}' is defined twice")
        models[entry.alias] = entry
    lock = Lock(path=path, models=models, **_parse_defaults(data.get("defaults", {}), path))
    _check_defaults(lock)
    return lock


def _parse_entry(raw: Any, where: str) -> ModelEntry:
    if not isinstance(raw, dict):
        raise LockError(f"{where}: must be a table")
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        raise LockError(f"{where}: missing field(s) {', '.join(missing)}")
    alias = raw["alias"]
    where = f"{where} ('{alias}')"
    if not isinstance(alias, str) or not _ALIAS.fullmatch(alias):
        raise LockError(f"{where}: alias must be lower-case letters, digits, '.', '_' or '-'")
    if raw["role"] not in ROLES:
        raise LockError(f"{where}: unknown role '{raw['role']}' (expected one of {', '.join(ROLES)})")
    if raw["architecture"] not in ARCHITECTURES:
        raise LockError(
            f"{where}: unknown architecture '{raw['architecture']}' (expected one of {', '.join(ARCHITECTURES)})"
        )
    if not isinstance(raw["repo"], str) or raw["repo"].count("/") != 1:
        raise LockError(f"{where}: repo must look like 'org/name'")
    if not isinstance(raw["revision"], str) or not _REVISION.fullmatch(raw["revision"]):
        raise LockError(f"{where}: revision must be a full 40-hex commit id, got '{raw['revision']}'")
    languages = raw["languages"]
    if not isinstance(languages, list) or not languages or not all(isinstance(x, str) for x in languages):
        raise LockError(f"{where}: languages must be a non-empty list of language codes")
    codes = raw.get("language_codes", {})
    if raw["architecture"] == "nllb" and not {*languages, "en"} <= set(codes):
        raise LockError(f"{where}: NLLB entries need language_codes for {', '.join(sorted({*languages, 'en'}))}")
    return ModelEntry(
        commercial_use=_parse_commercial_use(raw, where),
        target_token=_parse_target_token(raw, where),
        flores200=_parse_flores(raw.get("flores200", {}), languages, where),
        parameters=_parse_parameters(raw.get("parameters"), where),
        alias=alias,
        role=raw["role"],
        architecture=raw["architecture"],
        repo=raw["repo"],
        revision=raw["revision"],
        license=str(raw["license"]),
        languages=tuple(languages),
        language_codes=dict(codes),
        files=tuple(_parse_file(f, where) for f in raw.get("files", [])),
    )


def _parse_commercial_use(raw: dict[str, Any], where: str) -> bool:
    """`commercial_use` as recorded, else what the licence says; a lock may never call an NC licence commercial."""
    non_commercial = bool(_NON_COMMERCIAL.search(str(raw["license"]).lower()))
    value = raw.get("commercial_use", not non_commercial)
    if not isinstance(value, bool):
        raise LockError(f"{where}: commercial_use must be true or false")
    if value and non_commercial:
        raise LockError(f"{where}: commercial_use = true, but licence '{raw['license']}' forbids commercial use")
    return value


def _parse_target_token(raw: dict[str, Any], where: str) -> str | None:
    token = raw.get("target_token")
    if token is None:
        return None
    if raw["architecture"] != "marian" or not isinstance(token, str) or not _TARGET_TOKEN.fullmatch(token):
        raise LockError(f"{where}: target_token must be a Marian target-language token like '>>eng<<'")
    return token


def _parse_parameters(value: Any, where: str) -> str | None:
    """`parameters = "239M"` (or "1.3B"): the model's size as its card states it."""
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d+(\.\d+)?[MB]", value):
        raise LockError(f"{where}: parameters must look like \"239M\" or \"1.3B\", got {value!r}")
    return value


def _parse_flores(raw: Any, languages: list[str], where: str) -> dict[str, FloresScore]:
    """`flores200 = { fa = { bleu = 35.2, chrf_pp = 59.9, source = "…" } }`: published scores, each cited."""
    if not isinstance(raw, dict):
        raise LockError(f"{where}: flores200 must map languages to {{ bleu, chrf_pp, source }}")
    scores = {}
    for language, score in raw.items():
        ok = (isinstance(score, dict) and language in languages and isinstance(score.get("source"), str)
              and score["source"].strip()
              and all(isinstance(score.get(k), (int, float)) and 0 <= score[k] <= 100 for k in ("bleu", "chrf_pp")))
        if not ok:
            raise LockError(f"{where}: flores200.{language} needs bleu and chrf_pp (0–100) and the source of the "
                            f"figures, for a language the model serves")
        scores[language] = FloresScore(float(score["bleu"]), float(score["chrf_pp"]), score["source"])
    return scores


def _parse_file(raw: Any, where: str) -> LockedFile:
    if not isinstance(raw, dict) or not isinstance(raw.get("path"), str):
        raise LockError(f"{where}: each entry of files needs a 'path'")
    size, sha = raw.get("size"), raw.get("sha256")
    if size is not None and (not isinstance(size, int) or size < 0):
        raise LockError(f"{where}: file '{raw['path']}' has a bad size {size!r}")
    if sha is not None and (not isinstance(sha, str) or not _SHA256.fullmatch(sha)):
        raise LockError(f"{where}: file '{raw['path']}' has a bad sha256 (64 lower-case hex expected)")
    return LockedFile(path=raw["path"], size=size, sha256=sha)


def _parse_defaults(raw: Any, path: Path) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise LockError(f"{path}: [defaults] must be a table")
    translate = raw.get("translate", {})
    if not isinstance(translate, dict):
        raise LockError(f"{path}: [defaults.translate] must map language codes to aliases")
    return {"translate_defaults": dict(translate), "summarize_default": raw.get("summarize")}


def _check_defaults(lock: Lock) -> None:
    for language, alias in lock.translate_defaults.items():
        entry = lock.get(alias)
        if entry.role != "translate" or language not in entry.languages:
            raise LockError(f"{lock.path}: [defaults.translate] {language} = '{alias}', which does not translate {language}")
    if lock.summarize_default is not None and lock.get(lock.summarize_default).role != "summarize":
        raise LockError(f"{lock.path}: [defaults] summarize = '{lock.summarize_default}', which is not a summarizer")
