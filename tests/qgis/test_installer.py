"""The install dialog when things go wrong: pip fails, the user cancels (real QProcess, real pip).

The whole way through a real QGIS desktop, from the ZIP to the analysis, is in
``test_install_packages.py``; the rules of what is installed in ``tests/test_installer.py``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest


def _wait(runner: Any, seconds: float = 120) -> None:
    from qgis.PyQt.QtCore import QEventLoop, QTimer

    if runner.done:
        return
    loop = QEventLoop()
    runner.finished.connect(lambda *args: loop.quit())
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    assert runner.done, "the installer did not finish"


@pytest.fixture
def offline_pip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """pip without the machine's configuration, finding packages in an empty folder only."""
    (tmp_path / "wheels").mkdir()
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "wheels"))
    return tmp_path / "profile" / "python" / "dependencies"


def test_a_failed_pip_is_reported_with_its_log(qgis_app: Any, offline_pip: Path) -> None:
    from qgis.PyQt.QtWidgets import QDialogButtonBox

    from wijkkracht.plugin.install_dialog import InstallDialog, PackageInstaller

    runner = PackageInstaller(offline_pip, sys.executable, ["wk-no-such-package>=1"])
    dialog = InstallDialog(runner)
    results: list[tuple[bool, str]] = []
    runner.finished.connect(lambda ok, summary: results.append((ok, summary)))
    runner.start()
    _wait(runner)
    [(ok, summary)] = results
    assert not ok and not runner.ok
    assert "exit code 1" in summary and str(runner.log_path) in summary
    log = runner.log_path.read_text(encoding="utf-8")
    assert "--dry-run" in log and "wk-no-such-package" in log  # pip's own words are kept
    assert runner.log_path == offline_pip.parent / "wijkkracht-install.log"
    assert list(offline_pip.iterdir()) == []  # nothing half-installed
    assert dialog.buttons.standardButtons() == QDialogButtonBox.StandardButton.Close
    assert summary in dialog.stage.text()
    assert "wk-no-such-package" in dialog.log.toPlainText()


def test_cancel_stops_pip(qgis_app: Any, offline_pip: Path, tmp_path: Path) -> None:
    from qgis.PyQt.QtCore import QProcess, QTimer

    from wijkkracht.plugin.install_dialog import InstallDialog, PackageInstaller

    slow = tmp_path / "slow-python"  # a stand-in interpreter that takes its time
    slow.write_text("#!/bin/sh\nsleep 60\n", encoding="utf-8")
    slow.chmod(0o755)
    runner = PackageInstaller(offline_pip, str(slow), ["pandas>=2"])
    dialog = InstallDialog(runner)
    results: list[tuple[bool, str]] = []
    runner.finished.connect(lambda ok, summary: results.append((ok, summary)))
    started = time.monotonic()
    runner.start()
    QTimer.singleShot(500, dialog.buttons.rejected.emit)  # the Cancel button
    _wait(runner, seconds=20)
    assert results == [(False, "Cancelled.")]
    assert time.monotonic() - started < 10  # killed, not waited for (it sleeps 60 s)
    assert runner.process is not None
    assert runner.process.state() == QProcess.ProcessState.NotRunning
