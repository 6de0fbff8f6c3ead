"""Running the real command line on a bad input and checking what a user is owed (issue 19):
the exit code, exactly one ``wijkkracht: error:`` line (no traceback), the output folder as it
was (no partial or temporary file) and every input file unchanged (bytes and modification
time).

Two ways in: :func:`fails` calls :func:`wijkkracht.cli.main` in this process (fast; what
``wijkkracht`` runs), :func:`fails_in_process` starts ``python -m wijkkracht`` as a user's
shell does (for signals, timing, environment variables and imports that must not be loaded).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from wijkkracht.cli import main

ERROR = "wijkkracht: error:"


def tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (hidden ones too) with its SHA-256: the folder's state."""
    if not folder.exists():
        return {}
    if folder.is_file():
        return {folder.name: hashlib.sha256(folder.read_bytes()).hexdigest()}
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest()
                                         if p.is_file() else "folder")
            for p in sorted(folder.rglob("*"))}


def snapshot(paths: Iterable[Path]) -> dict[str, tuple[dict[str, str], float | None]]:
    """Contents and modification times of ``paths`` (files or folders)."""
    return {str(p): (tree(p), p.stat().st_mtime if p.exists() else None) for p in paths}


@dataclass
class Failure:
    code: int
    line: str
    stderr: str
    seconds: float


def _check(code: int, err: str, expected_code: int, expected: Sequence[str]) -> str:
    lines = [ln for ln in err.splitlines() if ln.startswith(ERROR)]
    assert code == expected_code, err
    assert len(lines) == 1, err
    assert "Traceback" not in err, err
    assert "internal error" not in lines[0], lines[0]
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def fails(argv: Sequence[str], capsys, out: Path, *expected: str, code: int = 1,
          inputs: Iterable[Path] = ()) -> str:
    """Run ``wijkkracht argv`` in this process; assert the exit code, ONE error line holding
    every ``expected`` text, ``out`` as it was and ``inputs`` unchanged. Returns the line."""
    inputs = list(inputs)
    before, before_in = tree(out), snapshot(inputs)
    capsys.readouterr()
    try:
        got = main(list(argv))
    except SystemExit as stop:  # a usage error (exit 2), found before anything is read
        got = int(stop.code or 0)
    err = capsys.readouterr().err
    line = _check(got, err, code, expected)
    assert tree(out) == before, (sorted(tree(out)), sorted(before))
    assert snapshot(inputs) == before_in, "an input file was changed"
    return line


def run_cli(argv: Sequence[str], *, env: dict[str, str] | None = None, timeout: float = 120,
            cwd: Path | None = None) -> tuple[int, str, float]:
    """``python -m wijkkracht argv`` in a fresh process: (exit code, stderr, seconds)."""
    full_env = {**os.environ, "PYTHONWARNINGS": "ignore", **(env or {})}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "wijkkracht", *argv], capture_output=True,
                          text=True, env=full_env, timeout=timeout, cwd=cwd, check=False)
    return proc.returncode, proc.stderr, time.perf_counter() - t0


def fails_in_process(argv: Sequence[str], out: Path, *expected: str, code: int = 1,
                     inputs: Iterable[Path] = (), env: dict[str, str] | None = None,
                     timeout: float = 120) -> Failure:
    """:func:`fails` in a fresh ``python -m wijkkracht`` process."""
    inputs = list(inputs)
    before, before_in = tree(out), snapshot(inputs)
    got, err, seconds = run_cli(argv, env=env, timeout=timeout)
    line = _check(got, err, code, expected)
    assert tree(out) == before, (sorted(tree(out)), sorted(before))
    assert snapshot(inputs) == before_in, "an input file was changed"
    return Failure(got, line, err, seconds)
