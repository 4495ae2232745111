"""Every report is the same bytes whatever PYTHONHASHSEED: no choice (a main date, a ranking, the order of
loaded words) may rest on the iteration order of a set. Each command runs in two interpreters with
different hash seeds, side by side, and their stdout must match."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HASH_SEEDS = ("1", "2")
TIMEOUT = 300  # seconds a run may take: each loads the spaCy model (and the sentence encoder)


def _outputs(args: list[str], cwd: Path) -> list[str]:
    """Stdout of ``python -m rashomon ARGS`` under each hash seed, the runs in parallel."""
    runs = []
    for seed in HASH_SEEDS:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        runs.append(
            subprocess.Popen(
                [sys.executable, "-m", "rashomon", *args],
                cwd=cwd,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
        )
    outputs = []
    for seed, run in zip(HASH_SEEDS, runs, strict=True):
        stdout, stderr = run.communicate(timeout=TIMEOUT)
        assert run.returncode == 0, f"PYTHONHASHSEED={seed} rashomon {' '.join(args)} failed:\n{stderr}"
        assert stdout.strip(), f"PYTHONHASHSEED={seed} rashomon {' '.join(args)} printed nothing:\n{stderr}"
        outputs.append(stdout)
    return outputs


def _assert_same(outputs: list[str]) -> None:
    first, *others = outputs
    for seed, other in zip(HASH_SEEDS[1:], others, strict=True):
        if other != first:
            lines = zip(first.splitlines(), other.splitlines(), strict=False)
            at = next((n for n, (a, b) in enumerate(lines, 1) if a != b), None)
            pytest.fail(f"output under PYTHONHASHSEED={seed} differs from PYTHONHASHSEED={HASH_SEEDS[0]} (line {at})")


def test_determinism_compare_examples(examples_dir: Path, tmp_path: Path) -> None:
    _assert_same(_outputs(["compare", str(examples_dir), "--format", "json"], tmp_path))


def test_determinism_compare_seeds(seeds_dir: Path, tmp_path: Path) -> None:
    _assert_same(_outputs(["compare", str(seeds_dir.resolve()), "--format", "json"], tmp_path))
