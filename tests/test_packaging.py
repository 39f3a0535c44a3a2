"""The installed tool, not the checkout: a wheel carries everything a command needs (the default lock above
all), so `pip install mtdigest` or `pip install .` works from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_a_wheel_installed_into_a_fresh_venv_finds_its_lock_from_anywhere(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels)], check=True, capture_output=True, timeout=600)
    (wheel,) = wheels.glob("mtdigest-*.whl")
    venv = tmp_path / "venv"
    # The dependencies (torch, transformers, ...) come from this interpreter's site-packages; the package itself
    # only from the wheel: a venv's own site-packages come first.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("MTDIGEST_LOCK", "PYTHONPATH")}
    listed = subprocess.run([str(venv / "bin" / "mtdigest"), "models", "list", "--json"], cwd=outside,
                            env={**env, "MTDIGEST_HOME": str(tmp_path / "home")}, capture_output=True, text=True,
                            timeout=300)
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert Path(data["lock"]).is_relative_to(venv) and Path(data["lock"]).name == "models.lock"
    assert Path(data["lock"]).read_text(encoding="utf-8") == (REPO / "models.lock").read_text(encoding="utf-8")
    assert {"opus-mt-tc-big-ar-en", "opus-mt-tc-bible-big-iir-en", "distilbart-cnn-12-6"} <= {
        m["alias"] for m in data["models"]}
