"""Interrupted runs (issue 19): a run stopped by SIGTERM (``kill``, a scheduler, a container
stop) cleans up after itself and says so; a run killed outright (SIGKILL, a power cut) cannot,
so the next run into the same folder removes what it left, and never a file of a run that
still writes there. The previous outputs stay as they were throughout."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyogrio
import pytest

from wijkkracht.output.atomic import _HOST, remove_leftovers, temporary_name

from .cli_support import run_cli, tree

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")

DEMO = ["demo", "--osm-only", "-q"]


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Path:
    """A folder with the outputs of a finished run."""
    out = tmp_path_factory.mktemp("vorige") / "out"
    code, err, _ = run_cli([*DEMO, "--out", str(out)])
    assert code == 0, err
    return out


def _start(out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "wijkkracht", *DEMO, "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"})


def _wait_for_temporary(proc: subprocess.Popen[str], out: Path, timeout: float = 120) -> bool:
    """Wait until the run writes a temporary file into ``out`` (True), or ends (False)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if any(".tmp" in name for name in _hidden(out)):
            return True
        time.sleep(0.002)
    return False


def _copy(previous: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir(parents=True)
    for p in previous.iterdir():
        (out / p.name).write_bytes(p.read_bytes())
    return out


def _wait_for_step(proc: subprocess.Popen[bytes], text: bytes, timeout: float = 120) -> bytes:
    """Read the run's progress (stderr) until ``text`` appears; what was read."""
    import select

    seen, end = b"", time.monotonic() + timeout
    fd = proc.stderr.fileno()  # type: ignore[union-attr]
    while time.monotonic() < end and text not in seen:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            seen += chunk
    return seen


def test_sigterm_while_computing_writes_nothing(previous, tmp_path):
    out = _copy(previous, tmp_path)
    before = tree(out)
    proc = subprocess.Popen([sys.executable, "-m", "wijkkracht", "demo", "--osm-only",
                             "--lang", "en", "--out", str(out)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    seen = _wait_for_step(proc, b"[2/")  # computing the indicators: nothing written yet
    proc.send_signal(signal.SIGTERM)
    _, rest = proc.communicate(timeout=60)
    err = (seen + rest).decode()
    assert proc.returncode == 128 + signal.SIGTERM, err
    lines = [ln for ln in err.splitlines() if "wijkkracht:" in ln]
    assert lines[-1].endswith("wijkkracht: interrupted; no output written"), err
    assert "Traceback" not in err
    assert tree(out) == before


def test_sigterm_while_writing_leaves_no_temporary_and_the_previous_outputs(previous,
                                                                           tmp_path):
    for _attempt in range(5):  # the writing may end before the signal: try again
        out = _copy(previous, tmp_path / f"poging{_attempt}")
        before = tree(out)
        proc = _start(out)
        writing = _wait_for_temporary(proc, out)
        if writing:
            proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        if writing and proc.returncode == 128 + signal.SIGTERM:
            break
    else:
        pytest.fail("the run was never caught while writing")
    assert "Traceback" not in err, err
    assert _hidden(out) == [], "a temporary file was left"
    assert tree(out) == before, "the previous outputs changed"


def test_sigkill_leftovers_are_removed_by_the_next_run(previous, tmp_path):
    out = _copy(previous, tmp_path / "a")
    for _attempt in range(5):
        proc = _start(out)
        writing = _wait_for_temporary(proc, out)
        if writing:
            proc.kill()
        proc.communicate(timeout=60)
        if writing and proc.returncode == -signal.SIGKILL:
            break
    else:
        pytest.fail("the run was never caught while writing")
    left = _hidden(out)
    assert any(".tmp." in name for name in left), left  # what SIGKILL leaves
    code, err, _ = run_cli([*DEMO, "--out", str(out)])
    assert code == 0, err
    assert _hidden(out) == [], "the next run did not remove the leftovers"
    assert sorted(tree(out)) == sorted(tree(previous))
    # complete: the same layers with the same rows as a clean run's (a GeoPackage holds its
    # time of writing, so its bytes differ)
    for layer, _ in pyogrio.list_layers(previous / "wijkkracht.gpkg"):
        assert pyogrio.read_info(out / "wijkkracht.gpkg", layer=layer)["features"] == \
            pyogrio.read_info(previous / "wijkkracht.gpkg", layer=layer)["features"], layer


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_ended_processes_go_and_of_running_ones_stay(previous, tmp_path):
    out = _copy(previous, tmp_path)
    dead = _dead_pid()
    stale = [f".wijkkracht.gpkg.0badc0de.{dead}-{_HOST}.tmp.gpkg",
             f".wijkkracht.gpkg.0badc0de.{dead}-{_HOST}.tmp.gpkg-journal",
             f".wijkkracht.html.1badc0de.{dead}-{_HOST}.tmp.html"]
    for name in stale:
        (out / name).write_bytes(b"half")
    # killed between the two renames of publishing: the previous map is only the backup
    (out / "wijkkracht.html").rename(out / f".wijkkracht.html.2badc0de.{dead}-{_HOST}.old.html")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        running = f".wijkkracht.gpkg.3badc0de.{sleeper.pid}-{_HOST}.tmp.gpkg"
        (out / running).write_bytes(b"still being written")
        (out / ".notities.txt").write_text("the user's own hidden file")
        done = remove_leftovers(out)
        assert sorted(done) == sorted([*stale, f".wijkkracht.html.2badc0de.{dead}-{_HOST}"
                                                ".old.html"])
        assert _hidden(out) == sorted([".notities.txt", running])
        assert tree(out)["wijkkracht.html"] == tree(previous)["wijkkracht.html"]  # put back
    finally:
        sleeper.kill()
        sleeper.wait()
    # the writer has ended now: the next run removes its file, never the user's
    code, err, _ = run_cli([*DEMO, "--out", str(out)])
    assert code == 0, err
    assert _hidden(out) == [".notities.txt"]


def test_temporary_names_say_whose_they_are(tmp_path):
    name = temporary_name(tmp_path / "wijkkracht.gpkg").name
    assert name.startswith(".wijkkracht.gpkg.") and name.endswith(".tmp.gpkg")
    assert f".{os.getpid()}-{_HOST}.tmp" in name
