"""The import graph points one way: `core` is the ground, the stages stand on it and never on each other.

Every import of every module counts, the ones inside functions too (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What each package may import of ours; `cli_commands` (the CLI) may import them all.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "modelstore": {"core"},
    "seq2seq": {"core", "modelstore"},
    "ingest": {"core"},
    "fetch": {"core", "ingest"},
    "mt": {"core", "modelstore", "seq2seq"},
    "summarize": {"core", "modelstore", "seq2seq"},
    "digest": {"core", "modelstore", "seq2seq", "ingest", "mt", "summarize"},
}
OURS = set(ALLOWED) | {"cli_commands", "cli"}


def imported_packages(path: Path) -> set[str]:
    """Top-level names of our packages that the module imports anywhere (absolute imports only: the code
    base has no relative ones)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & OURS
    return found


def test_no_package_imports_sideways_or_upward() -> None:
    wrong = []
    for package, allowed in ALLOWED.items():
        for module in sorted((ROOT / package).rglob("*.py")):
            for target in sorted(imported_packages(module) - allowed - {package}):
                wrong.append(f"{module.relative_to(ROOT)} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_lazy_imports(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from mt.engine import TranslationEngine\n    import summarize.core\n")
    assert imported_packages(module) == {"mt", "summarize"}
