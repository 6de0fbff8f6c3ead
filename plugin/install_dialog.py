"""*Install missing packages*: pip in QGIS's own Python, with a progress dialog, cancel and a log.

What is run, and what is never installed, is :mod:`wijkkracht.processing.installer` (pure
Python): a dry run that resolves the requirements against QGIS's Python, then ``pip install
--target <profile>/python/dependencies`` of exactly the files pip chose, never a wheel that
brings its own GEOS, PROJ or GDAL. Each pip run is a :class:`QProcess` (QGIS stays responsive);
its output goes to the dialog and to ``<profile>/python/wijkkracht-install.log``. When the runs
succeed the folder is put on ``sys.path`` and the provider reloads its algorithms: they appear
in the toolbox without restarting QGIS.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qgis.core import Qgis, QgsApplication, QgsMessageLog  # type: ignore[import-not-found]
from qgis.PyQt.QtCore import (  # type: ignore[import-not-found]
    QObject,
    QProcess,
    QProcessEnvironment,
    pyqtSignal,  # type: ignore[import-not-found]
)
from qgis.PyQt.QtWidgets import (  # type: ignore[import-not-found]
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QVBoxLayout,
)

from ..processing import installer
from ..processing.i18n import language, tr
from ..processing.provider import LOG_TAG

__all__ = ["PackageInstaller", "InstallDialog"]


def _installed_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


class PackageInstaller(QObject):
    """Runs the pip steps one after the other; ``finished(ok, summary)`` at the end.

    Parameters
    ----------
    folder
        The dependencies folder (:func:`installer.dependencies_folder`).
    python
        QGIS's Python interpreter (:func:`installer.find_python`).
    requirements
        Requirement lines (``requirements.txt``).
    """

    output = pyqtSignal(str)
    stage = pyqtSignal(str)
    finished = pyqtSignal(bool, str)

    def __init__(self, folder: Path, python: str, requirements: list[str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder, self.python, self.requirements = folder, python, requirements
        self.log_path = folder.parent / installer.LOG_NAME
        self.work = Path(tempfile.mkdtemp(prefix="wijkkracht-pip-"))
        self.plan: installer.Plan | None = None
        self.steps: list[installer.Step] = []
        self.process: QProcess | None = None
        self.cancelled = False
        self.done = False
        self.ok = False

    def start(self) -> None:
        """Write the constraints, start the dry run."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "w", encoding="utf-8") as log:
            log.write(f"QGIS {Qgis.QGIS_VERSION}, Python {self.python}, folder {self.folder}\n")
        pins = installer.constraints(_installed_version)
        constraints = self.work / "constraints.txt"
        constraints.write_text("".join(f"{p}\n" for p in pins), encoding="utf-8")
        self._write(tr("Kept as QGIS has them: {}").format(", ".join(pins) or "-") + "\n")
        self.steps = [installer.plan_step(self.python, self.requirements, constraints,
                                          self.work / "report.json", self.folder)]
        self._next()

    def cancel(self) -> None:
        """Stop the running pip (what it had not yet moved into the folder is not there)."""
        self.cancelled = True
        self.steps = []
        if self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.kill()
        else:
            self._finish(False, tr("Cancelled."))

    def _write(self, text: str) -> None:
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(text)
        self.output.emit(text)

    def _next(self) -> None:
        if not self.steps:
            self._finish(True, self._summary())
            return
        step = self.steps.pop(0)
        labels = {"resolve": tr("Finding what to install"), "install": tr("Installing"),
                  "build": tr("Building against QGIS's libraries")}
        self.stage.emit(labels.get(step.label, step.label))
        self._write("$ " + " ".join(step.argv) + "\n")
        process = QProcess(self)
        environment = QProcessEnvironment.systemEnvironment()
        for key, value in step.env.items():
            environment.insert(key, value)
        process.setProcessEnvironment(environment)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.readyReadStandardOutput.connect(
            lambda: self._write(bytes(process.readAllStandardOutput()).decode(errors="replace")))
        process.finished.connect(lambda code, _status: self._step_done(step, code))
        self.process = process
        process.start(step.argv[0], list(step.argv[1:]))

    def _step_done(self, step: installer.Step, code: int) -> None:
        if self.cancelled:
            self._finish(False, tr("Cancelled."))
            return
        if code != 0:
            self._finish(False, tr("pip stopped with exit code {}; see the log: {}").format(
                code, self.log_path))
            return
        if step.label == "resolve":
            self.plan = installer.make_plan(installer.load_report(self.work / "report.json"),
                                            lang=language())
            for _artifact, reason in self.plan.refused:
                self._write(tr("Not installed: {}").format(reason) + "\n")
            self.steps = installer.install_steps(self.python, self.plan, self.folder)
        self._next()

    def _summary(self) -> str:
        plan = self.plan or installer.Plan()
        names = [f"{a.name} {a.version}" for a in (*plan.install, *plan.build)]
        text = (tr("Installed: {}.").format(", ".join(names)) if names
                else tr("Nothing to install: every package is there."))
        if plan.refused:
            text += " " + " ".join(reason for _, reason in plan.refused)
        return text

    def _finish(self, ok: bool, summary: str) -> None:
        if self.done:
            return
        self.done, self.ok = True, ok
        shutil.rmtree(self.work, ignore_errors=True)
        if ok:
            installer.activate(self.folder)
        self._write(summary + "\n")
        QgsMessageLog.logMessage(summary, LOG_TAG,
                                 Qgis.MessageLevel.Info if ok else Qgis.MessageLevel.Warning)
        self.finished.emit(ok, summary)


class InstallDialog(QDialog):
    """The progress dialog: stage, busy bar, pip's output, Cancel (then Close)."""

    def __init__(self, runner: PackageInstaller, parent: Any = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(tr("wijkkracht: install missing packages"))
        self.resize(720, 420)
        self.stage = QLabel(tr("Starting pip in QGIS's Python"), self)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.log = QPlainTextEdit(self)
        self.log.setReadOnly(True)
        self.pending = ""
        self.where = QLabel(tr("Folder: {}").format(runner.folder), self)
        self.where.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.rejected.connect(self._cancel_or_close)
        layout = QVBoxLayout(self)
        for widget in (self.stage, self.bar, self.log, self.where, self.buttons):
            layout.addWidget(widget)
        runner.stage.connect(self.stage.setText)
        runner.output.connect(self._append)
        runner.finished.connect(self._finished)

    def _append(self, text: str) -> None:
        lines = (self.pending + text).split("\n")
        self.pending = lines.pop()
        for line in lines:
            self.log.appendPlainText(line)

    def _cancel_or_close(self) -> None:
        if self.runner.done:
            self.accept()
        else:
            self.runner.cancel()

    def _finished(self, ok: bool, summary: str) -> None:
        self.bar.setRange(0, 1)
        self.bar.setValue(1 if ok else 0)
        self.stage.setText(summary)
        self.stage.setWordWrap(True)
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)


def run_installer(folder: Path, parent: Any, on_done: Callable[[bool, str], None]
                  ) -> PackageInstaller | None:
    """Open the dialog and start; None (and a log message) when QGIS's Python is not found."""
    python = installer.find_python()
    if python is None:
        QgsMessageLog.logMessage(tr("Cannot find the Python interpreter of QGIS to run pip."),
                                 LOG_TAG, Qgis.MessageLevel.Critical)
        on_done(False, tr("Cannot find the Python interpreter of QGIS to run pip."))
        return None
    runner = PackageInstaller(folder, python, list(installer.read_requirements().values()))
    dialog = InstallDialog(runner, parent)
    runner.finished.connect(on_done)
    runner.dialog = dialog  # type: ignore[attr-defined]  # kept alive with the runner
    dialog.show()
    QgsApplication.processEvents()
    runner.start()
    return runner
