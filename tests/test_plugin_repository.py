"""The QGIS plugin repository's upload rules (plugins.qgis.org), run over the built plugin ZIP.

An upload to https://plugins.qgis.org goes through two gates, re-implemented here from the
repository's source (``qgis/QGIS-Plugins-Website``, formerly ``qgis/QGIS-Django``):

1. **The validator** refuses the upload outright (a ``ValidationError``):
   ``qgis-app/plugins/validator.py`` at commit ``d3a91d9d5d29e9ffbb1f6554ca9282498d4896b2``
   (the version whose link check goes through ``plugins/safe_http.py``), compared with the
   one at ``013f38bd1971a93c2e2fb1ccd7aabb34da0ffb09`` and with ``qgis/QGIS-Django`` at
   ``80cf6193d09ccf1a7959bb7a37fda2a4853493cb``; the upload forms (``plugins/forms.py`` at
   ``0c1ff3fd33b25f8ca10cb27c70db7a79f8019124``: ``validator(package, is_new=True)`` for a new
   plugin, ``PluginVersion.clean_version``) and the version columns of ``plugins/models.py``
   at ``013f38bd...`` (``VersionField`` / ``QGVersionZeroForcedField``, ``max_length=32``
   after ``vjust``).
2. **The security scan** runs after the upload and BLOCKS the version (not downloadable, not
   approvable) when a check of severity *critical* fails: ``plugins/tasks/run_security_scan.py``
   at ``07b9b079cb518808b28681ec8b447cbe2290026c`` (``has_critical_issues =
   critical_count > 0`` -> ``VALIDATION_STATUS_BLOCKED``) with ``plugins/security_scanner.py``
   (the stored version with ``SECURITY_CONFIG_FILES``; same commands as at ``0c1ff3fd...``).
   The critical checks are *Bandit Security Analysis* and *Secrets Detection*; either fails on
   ONE result. The rules they run are the enabled ``SecurityRule`` rows, loaded by
   ``management/commands/populate_security_rules.py`` from ``data/bandit_rules.json``
   (``211b4be9d778cc02f679319012ca1500ac40d89e``) and ``data/secrets_rules.json``
   (``240c06af9c0cb7d8e9684d242271c0d1a48db18e``):

   * ``bandit -r <unzipped> -f json --quiet -t <every enabled test id>``: no ``-ll``, so even a
     LOW-severity result of an enabled test (B105 is LOW in bandit) blocks;
   * ``detect-secrets scan --all-files --exclude-files metadata\\.txt --exclude-files
     \\.secrets\\.baseline [--baseline <.secrets.baseline>] --disable-plugin <each
     disabled detector> .`` in the unzipped folder;
   * a rule marked ``can_be_skipped`` (severity warning) can be ticked by the uploader under
     "Skip Security Rules" and is then not run; a critical rule cannot be skipped.

   The scan's other checks (file permissions: info; suspicious files: warning; flake8: info)
   never block. File permissions and suspicious files are checked here too (as notices);
   flake8 is not run (style only, never blocks).

Differences from the server, on purpose:

* every rule runs, where the server stops at the first ``ValidationError``;
* the validator's link check fetches tracker, repository and homepage (HEAD, then GET, through
  a session that refuses internal addresses). Tests have no network, so it is checked
  statically: a host under a reserved top-level domain (``.invalid``, ``.test``, ``.example``,
  ``.localhost``, RFC 2606/6761), an internal IP address (what ``safe_http`` refuses) or a
  scheme other than http(s) can never be reached; any other URL must be opened in a browser
  before an upload (README, release checklist);
* checks on the server's database (plugin name and version unique, folder name equal to the
  plugin's earlier uploads) cannot run here.

The built ZIP must meet every rule but one: metadata.txt's ``homepage``, ``tracker`` and
``repository`` are ``https://example.invalid/...`` placeholders until the project has a public
home, and the link check refuses them. Those findings, and only those, are allowed; when the
placeholders are replaced by real URLs, none is allowed.

Each rule is a function ``rule(zip_path) -> list[Finding]``; each is also run on a small
plugin ZIP that meets every rule (no finding) and on one made to break it (its finding), so no
rule can pass by checking nothing.
"""

from __future__ import annotations

import codecs
import configparser
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parents[1]
BUILD = REPO / "scripts" / "build_plugin_zip.py"

# ---------------------------------------------------------------------------------------------
# The repository's settings (values as in the sources named in the module docstring)
# ---------------------------------------------------------------------------------------------

#: validator.PLUGIN_MAX_UPLOAD_SIZE (bytes).
PLUGIN_MAX_UPLOAD_SIZE = 25_000_000
#: validator.PLUGIN_REQUIRED_METADATA.
REQUIRED_METADATA = ("name", "description", "version", "qgisMinimumVersion", "author", "email",
                     "about", "tracker", "repository")
#: validator: directories refused anywhere in the archive.
FORBIDDEN_DIRS = ("__MACOSX", ".git", "__pycache__")
#: validator._check_url_link: (metadata key, placeholder refused as such).
URL_FIELDS = (("tracker", "http://bugs"), ("repository", "http://repo"),
              ("homepage", "http://homepage"))
#: models.VersionField / QGVersionZeroForcedField max_length.
VERSION_MAX_LENGTH = 32

#: bandit_rules.json, enabled with can_be_skipped false (severity critical): block, always.
BANDIT_MANDATORY = frozenset("""
    B102 B103 B105 B106 B107 B111 B201 B202 B301 B302 B304 B305 B306 B307 B312 B321 B323
    B401 B402 B412 B413 B501 B502 B503 B505 B506 B507 B601 B602 B604 B605 B609 B610 B611
    B612 B613 B615 B701""".split())
#: bandit_rules.json, enabled with can_be_skipped true (severity warning): block unless the
#: uploader ticks them under "Skip Security Rules".
BANDIT_SKIPPABLE = frozenset("""
    B101 B104 B108 B110 B112 B113 B303 B308 B310 B311 B313 B314 B315 B316 B317 B318 B319
    B320 B324 B403 B405 B406 B407 B408 B409 B504 B508 B509 B603 B606 B607 B608 B614 B702
    B703 B704""".split())
#: Disabled in bandit_rules.json (severity info, enabled false): B109 B404 B410 B411.
#: Test ids in the rule list that current bandit no longer has (it warns "Unknown test found
#: in profile" and runs the others, on the server too).
BANDIT_REMOVED_UPSTREAM = frozenset({"B111", "B320"})

#: secrets_rules.json, enabled, can_be_skipped false.
SECRETS_MANDATORY = frozenset("""
    ArtifactoryDetector AWSKeyDetector AzureStorageKeyDetector BasicAuthDetector
    CloudantDetector DiscordBotTokenDetector GitHubTokenDetector GitLabTokenDetector
    IbmCloudIamDetector IbmCosHmacDetector JwtTokenDetector MailchimpDetector NpmDetector
    OpenAIDetector PrivateKeyDetector PypiTokenDetector SendGridDetector SlackDetector
    SoftlayerDetector SquareOAuthDetector StripeDetector TelegramBotTokenDetector
    TwilioKeyDetector""".split())
#: secrets_rules.json, enabled, can_be_skipped true.
SECRETS_SKIPPABLE = frozenset({"Base64HighEntropyString", "HexHighEntropyString",
                               "KeywordDetector"})
#: secrets_rules.json, enabled false: passed to detect-secrets as --disable-plugin.
SECRETS_DISABLED = frozenset({"IPPublicDetector"})

#: security_scanner: tool configuration files a plugin may ship (not "hidden files").
SECURITY_CONFIG_FILES = (".bandit", ".secrets.baseline", ".flake8")
#: security_scanner._check_suspicious_files.
SUSPICIOUS_EXTENSIONS = (".exe", ".dll", ".so", ".dylib", ".bat", ".sh", ".ps1", ".cmd")

#: Top-level domains that never resolve (RFC 2606, RFC 6761).
RESERVED_TLDS = ("invalid", "test", "example", "localhost")

# ---------------------------------------------------------------------------------------------
# Findings
# ---------------------------------------------------------------------------------------------

REFUSED = "upload refused"
BLOCKED = "version blocked (mandatory rule, cannot be skipped)"
SKIPPABLE = "version blocked unless the rule is ticked under 'Skip Security Rules' at upload"
NOTICE = "accepted, with a notice"


@dataclass(frozen=True)
class Finding:
    """One thing the repository would say about the ZIP."""

    rule: str
    outcome: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.where}: {self.message} -> {self.outcome}"


Rule = Callable[[Path], list[Finding]]

# ---------------------------------------------------------------------------------------------
# Reading the ZIP as validator() does
# ---------------------------------------------------------------------------------------------


def _names(path: Path) -> list[str] | None:
    """The archive's names, or None when it is not a ZIP (the validator refuses it)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return None


def _package_name(names: list[str] | None) -> str | None:
    """``namelist[0]`` up to its first ``/``, or None (no folder: refused)."""
    if not names or "/" not in names[0]:
        return None
    return names[0][: names[0].index("/")]


def _read_from_init(text: str) -> list[tuple[str, str]]:
    """validator._read_from_init: ``def name(...)`` followed by ``return 'value'``."""
    metadata = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        match = re.search(r"def\s+([^\(]+)", lines[i])
        if match:
            key = match.groups()[0]
            i += 1
            while i < len(lines) and lines[i] != "":
                value = re.search(r"return\s+[\"']?([^\"']+)[\"']?", lines[i])
                if value:
                    metadata.append((key, value.groups()[0]))
                    break
                i += 1
        i += 1
    return metadata


@dataclass(frozen=True)
class _Metadata:
    items: dict[str, str] | None  # None: could not be read (see error)
    source: str  # "metadata.txt" or "__init__.py"
    error: str | None


def _metadata(path: Path) -> _Metadata | None:
    """The metadata as the validator reads it; None when the archive has no plugin folder."""
    names = _names(path)
    package = _package_name(names)
    if package is None:
        return None
    init, meta = f"{package}/__init__.py", f"{package}/metadata.txt"
    with zipfile.ZipFile(path) as zf:
        if meta in names:
            try:  # the validator's parser: default interpolation, strict, case kept
                parser = configparser.ConfigParser()
                parser.optionxform = str  # type: ignore[assignment,method-assign]
                parser.read_file(StringIO(codecs.decode(zf.read(meta), "utf8")))
                if not parser.has_section("general"):
                    return _Metadata(None, "metadata.txt",
                                     f"Cannot find a section named 'general' in {meta}")
                return _Metadata(dict(parser.items("general")), "metadata.txt", None)
            except Exception as exc:  # the validator turns any error into a refusal
                return _Metadata(None, "metadata.txt", f"Errors parsing {meta}. {exc}")
        if init in names:
            items = _read_from_init(zf.read(init).decode("utf8"))
            if not items:
                return _Metadata(None, "__init__.py", f"Cannot find valid metadata in {init}")
            return _Metadata(dict(items), "__init__.py", None)
    return None


def _meta_items(path: Path) -> dict[str, str] | None:
    meta = _metadata(path)
    return None if meta is None else meta.items


def _refused(rule: str, where: str, message: str) -> list[Finding]:
    return [Finding(f"validator:{rule}", REFUSED, where, message)]


# ---------------------------------------------------------------------------------------------
# The validator's rules (validator.validator, in its order)
# ---------------------------------------------------------------------------------------------


def check_size(path: Path) -> list[Finding]:
    """``package.size > PLUGIN_MAX_UPLOAD_SIZE``: "File is too big"."""
    size = path.stat().st_size
    if size > PLUGIN_MAX_UPLOAD_SIZE:
        return _refused("size", path.name, f"{size} bytes; the limit is {PLUGIN_MAX_UPLOAD_SIZE}")
    return []


def check_is_zip(path: Path) -> list[Finding]:
    """``zipfile.ZipFile(package)`` fails: "Could not unzip file"."""
    if _names(path) is None:
        return _refused("zip", path.name, "not a ZIP file (Could not unzip file)")
    return []


def check_no_path_information(path: Path) -> list[Finding]:
    """A name containing ``..`` or starting with ``/`` (the server's ``os.path.sep``)."""
    return [f for name in _names(path) or [] if ".." in name or name.startswith("/")
            for f in _refused("path", name, "names cannot contain path information")]


def check_no_pyc(path: Path) -> list[Finding]:
    """A name containing ``.pyc`` anywhere."""
    return [f for name in _names(path) or [] if ".pyc" in name
            for f in _refused("pyc", name, "the ZIP cannot contain .pyc files")]


def check_no_forbidden_dirs(path: Path) -> list[Finding]:
    """``__MACOSX``, ``.git`` or ``__pycache__`` as a path component, at any depth."""
    return [f for name in _names(path) or [] for d in FORBIDDEN_DIRS if d in name.split("/")
            for f in _refused("forbidden-dir", name, f"the ZIP cannot contain a {d!r} folder")]


def check_crc(path: Path) -> list[Finding]:
    """``zip.testzip()`` names a damaged member: "Bad zip (maybe a CRC error)"."""
    if _names(path) is None:
        return []
    with zipfile.ZipFile(path) as zf:
        bad = zf.testzip()
    return _refused("crc", bad, "bad ZIP member (CRC error)") if bad else []


def check_single_parent_folder(path: Path) -> list[Finding]:
    """More than one top-level folder: accepted, with a warning (``multiple_parent_folders``)."""
    parents = sorted({name.split("/")[0] for name in _names(path) or []})
    if len(parents) > 1:
        return [Finding("validator:multiple-parents", NOTICE, ", ".join(parents),
                        "the ZIP holds more than one top-level folder")]
    return []


def check_zip_spec_names(path: Path) -> list[Finding]:
    """Backslashes or drive letters in names: "does not conform to the ZIP specification"."""
    found = []
    for name in _names(path) or []:
        if "\\" in name:
            found += _refused("zip-spec", name, "backslash in a file name")
        if re.match(r"^[A-Za-z]:", name):
            found += _refused("zip-spec", name, "drive letter in a file name")
    return found


def check_top_folder(path: Path) -> list[Finding]:
    """The first name must lie in a folder: "Cannot find a folder inside the package"."""
    names = _names(path)
    if names is not None and _package_name(names) is None:
        return _refused("folder", names[0] if names else path.name,
                        "cannot find a folder inside the compressed package")
    return []


def check_top_folder_pep8(path: Path) -> list[Finding]:
    """New plugins (``is_new=True``): the folder name must be a Python identifier."""
    package = _package_name(_names(path))
    if package is not None and not package.isidentifier():
        return _refused("folder-pep8", package,
                        "a new plugin's folder name must be a valid Python identifier")
    return []


def check_top_folder_name(path: Path) -> list[Finding]:
    """Every plugin: the folder name matches ``^[A-Za-z][A-Za-z0-9-_]+$``."""
    package = _package_name(_names(path))
    if package is not None and not re.match(r"^[A-Za-z][A-Za-z0-9-_]+$", package):
        return _refused("folder-name", package, "the folder name must start with an ASCII "
                        "letter and hold only ASCII letters, digits, '-' and '_'")
    return []


def check_init_py(path: Path) -> list[Finding]:
    """``<folder>/__init__.py`` must exist (and metadata.txt or it)."""
    names = _names(path)
    package = _package_name(names)
    if package is not None and f"{package}/__init__.py" not in names:
        return _refused("init", f"{package}/__init__.py", "cannot find __init__.py")
    return []


def check_metadata_parses(path: Path) -> list[Finding]:
    """metadata.txt read by ``ConfigParser()`` (interpolation on, strict) with ``[general]``."""
    meta = _metadata(path)
    if meta is not None and meta.error:
        return _refused("metadata-parse", meta.source, meta.error)
    return []


def check_required_metadata(path: Path) -> list[Finding]:
    """Every key of PLUGIN_REQUIRED_METADATA is present."""
    items = _meta_items(path)
    if items is None:
        return []
    missing = [key for key in REQUIRED_METADATA if key not in items]
    if missing:
        return _refused("required-metadata", "metadata", f"missing {', '.join(missing)}")
    return []


def check_icon(path: Path) -> list[Finding]:
    """``icon=`` that is missing from the ZIP: accepted, but the plugin shows no icon."""
    items, package = _meta_items(path), _package_name(_names(path))
    if items is None or package is None:
        return []
    icon = items.get("icon")
    if icon is None:
        return [Finding("validator:icon", NOTICE, "metadata", "no icon= (the plugin gets none)")]
    icon = icon[2:] if icon.startswith("./") else icon
    if f"{package}/{icon}" not in (_names(path) or []):
        return [Finding("validator:icon", NOTICE, f"icon={icon}",
                        "the icon is not in the ZIP (the plugin gets none)")]
    return []


def check_supports_qt6(path: Path) -> list[Finding]:
    """``supportsQt6`` is deprecated: accepted, flagged ``supportsQt6_deprecated``."""
    items = _meta_items(path)
    if items is not None and "supportsQt6" in items:
        return [Finding("validator:supportsQt6", NOTICE, "supportsQt6",
                        "deprecated and ignored; qgisMaximumVersion decides")]
    return []


def check_old_qgis_init_metadata(path: Path) -> list[Finding]:
    """``qgisMinimumVersion`` below 1.8 (string tuples, as the validator compares them):
    __init__.py must carry the required metadata too."""
    meta, names = _metadata(path), _names(path)
    if meta is None or meta.items is None or meta.source != "metadata.txt":
        return []
    minimum = meta.items.get("qgisMinimumVersion")
    if minimum is None or not tuple(minimum.split(".")) < ("1", "8"):
        return []
    init = f"{_package_name(names)}/__init__.py"
    if init not in names:
        return []
    with zipfile.ZipFile(path) as zf:
        items = dict(_read_from_init(zf.read(init).decode("utf8")))
    missing = [key for key in REQUIRED_METADATA if key not in items]
    if missing:
        return _refused("qgis-below-1.8", init, f"qgisMinimumVersion={minimum} needs the "
                        f"metadata in __init__.py too; missing {', '.join(missing)}")
    return []


def check_url_syntax(path: Path) -> list[Finding]:
    """tracker, repository, homepage: not the template placeholder, with scheme and host.
    A missing key counts as invalid (``urlparse(None)`` has neither), so homepage is needed."""
    items = _meta_items(path)
    if items is None:
        return []
    found = []
    for key, placeholder in URL_FIELDS:
        url = items.get(key)
        parsed = urlparse(url)
        if url == placeholder or not (parsed.scheme and parsed.netloc):
            found += _refused("url", f"{key}={url or ''}", "not a valid URL")
    return found


def _unreachable_reason(url: str) -> str | None:
    """Why the validator's fetch of ``url`` cannot succeed, or None when only a real fetch
    can tell."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https"):
        return f"scheme {parsed.scheme!r}: the link check speaks http and https only"
    host = (parsed.hostname or "").rstrip(".").lower()
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        tld = host.rsplit(".", 1)[-1]
        if tld in RESERVED_TLDS:
            return f"{host} is under .{tld}, a reserved top-level domain that never resolves"
        return None
    if any((ip.is_loopback, ip.is_private, ip.is_link_local, ip.is_reserved,
            ip.is_multicast, ip.is_unspecified)):
        return f"{host} is an internal address, which the link check refuses (safe_http)"
    return None


def check_url_reachable(path: Path) -> list[Finding]:
    """The validator fetches each link and refuses the upload when one cannot be reached
    ("We could not reach the link you gave for ..."); checked statically, see the module
    docstring."""
    items = _meta_items(path)
    if items is None:
        return []
    found = []
    for key, placeholder in URL_FIELDS:
        url = items.get(key)
        parsed = urlparse(url)
        if url is None or url == placeholder or not (parsed.scheme and parsed.netloc):
            continue  # check_url_syntax
        reason = _unreachable_reason(url)
        if reason:
            found += _refused("url-reachable", f"{key}={url}", f"cannot be reached: {reason}")
    return found


def check_license(path: Path) -> list[Finding]:
    """``<folder>/LICENSE`` must exist (mandatory since June 2024, QEP 279)."""
    names = _names(path)
    package = _package_name(names)
    if package is not None and f"{package}/LICENSE" not in names:
        return _refused("license", f"{package}/LICENSE", "cannot find LICENSE")
    return []


def check_author(path: Path) -> list[Finding]:
    """``author`` matches ``^[^/]+$`` (not empty, no slashes)."""
    items = _meta_items(path)
    if items is not None and "author" in items and not re.match(r"^[^/]+$", items["author"]):
        return _refused("author", f"author={items['author']}", "author name cannot contain "
                        "slashes (nor be empty)")
    return []


def _vjust(text: str, level: int = 3, delim: str = ".", bitsize: int = 3,
           fillchar: str = " ", force_zero: bool = False) -> str:
    """models.vjust: how a version is stored (sortable) in its 32-character column."""
    if not text:
        return text
    n = text.count(delim)
    if n < level:
        text += (level - n) * (delim + "0") if force_zero else (level - n) * delim
    return delim.join(part.rjust(bitsize, "#") if not part else part.rjust(bitsize, fillchar)
                      for part in text.split(delim)[: level + 1])


def check_version_columns(path: Path) -> list[Finding]:
    """version (after ``PluginVersion.clean_version``), qgisMinimumVersion and
    qgisMaximumVersion fit their ``max_length=32`` columns as stored."""
    items = _meta_items(path)
    if items is None:
        return []
    found = []
    version = items.get("version", "").strip()
    if version.rfind(" ") > 0:  # clean_version: "Version 1.0" -> "1.0"
        version = version.rsplit(" ")[-1]
    columns = [("version", version, _vjust(version, fillchar="0"))]
    for key in ("qgisMinimumVersion", "qgisMaximumVersion"):
        if items.get(key):
            value = items[key].strip()
            columns.append((key, value, _vjust(value, fillchar="0", level=2, force_zero=True)))
    for key, value, stored in columns:
        if len(stored) > VERSION_MAX_LENGTH:
            found += _refused("version-column", f"{key}={value}", f"stored as {len(stored)} "
                              f"characters; the column holds {VERSION_MAX_LENGTH}")
    return found


VALIDATOR_RULES: tuple[Rule, ...] = (
    check_size, check_is_zip, check_no_path_information, check_no_pyc, check_no_forbidden_dirs,
    check_crc, check_single_parent_folder, check_zip_spec_names, check_top_folder,
    check_top_folder_pep8, check_top_folder_name, check_init_py, check_metadata_parses,
    check_required_metadata, check_icon, check_supports_qt6, check_old_qgis_init_metadata,
    check_url_syntax, check_url_reachable, check_license, check_author, check_version_columns,
)

# ---------------------------------------------------------------------------------------------
# The security scan (security_scanner.PluginSecurityScanner with the enabled rules)
# ---------------------------------------------------------------------------------------------


def _extract(path: Path, into: Path) -> Path | None:
    """``zf.extractall`` into a fresh folder, as the scanner does; None when not a ZIP."""
    if _names(path) is None:
        return None
    with zipfile.ZipFile(path) as zf:
        zf.extractall(into)
    return into


def _run(cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=900,
                              check=False)
    except FileNotFoundError as exc:  # pragma: no cover - broken environment
        raise RuntimeError(f"cannot run {cmd[0]}: {exc}") from exc


def _require_module(name: str) -> None:
    import importlib.util

    if importlib.util.find_spec(name) is None:
        pytest.fail(f"{name} is not installed; it is in the test extra: pip install -e '.[test]'",
                    pytrace=False)


def scan_bandit(path: Path) -> list[Finding]:
    """Bandit over the unzipped plugin with every enabled rule; any result blocks."""
    _require_module("bandit")
    with tempfile.TemporaryDirectory(prefix="bandit-") as tmp:
        root = _extract(path, Path(tmp))
        if root is None or not any(root.rglob("*.py")):
            return []  # the scanner passes a package without Python files
        tests = ",".join(sorted(BANDIT_MANDATORY | BANDIT_SKIPPABLE))
        proc = _run([sys.executable, "-m", "bandit", "-r", str(root), "-f", "json", "--quiet",
                     "-t", tests])
        unknown = set(re.findall(r"Unknown test found in profile: (B\d+)", proc.stderr))
        if unknown - BANDIT_REMOVED_UPSTREAM:
            raise RuntimeError(f"this bandit does not know {sorted(unknown)}, which the "
                               "repository runs; upgrade bandit (see pyproject.toml)")
        if proc.returncode not in (0, 1) or not proc.stdout.strip():
            raise RuntimeError(f"bandit failed ({proc.returncode}): {proc.stderr[-2000:]}")
        report = json.loads(proc.stdout)
        if report.get("errors"):
            raise RuntimeError(f"bandit could not scan: {report['errors']}")
        found = []
        for issue in report["results"]:
            test_id = issue["test_id"]
            where = f"{Path(issue['filename']).relative_to(root).as_posix()}:{issue['line_number']}"
            found.append(Finding(f"bandit:{test_id}",
                                 BLOCKED if test_id in BANDIT_MANDATORY else SKIPPABLE, where,
                                 f"{issue['issue_text']} (bandit severity "
                                 f"{issue['issue_severity']})"))
        return found


def scan_secrets(path: Path) -> list[Finding]:
    """detect-secrets over the unzipped plugin, disabled detectors off; any result blocks."""
    _require_module("detect_secrets")
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    detector = {secret_type: cls.__name__
                for secret_type, cls in get_mapping_from_secret_type_to_class().items()}
    with tempfile.TemporaryDirectory(prefix="secrets-") as tmp:
        root = _extract(path, Path(tmp))
        if root is None:
            return []
        cmd = [sys.executable, "-m", "detect_secrets", "scan", "--all-files",
               "--exclude-files", r"metadata\.txt", "--exclude-files", r"\.secrets\.baseline"]
        baseline = next(iter(sorted(root.rglob(".secrets.baseline"))), None)
        if baseline is not None:
            cmd += ["--baseline", baseline.relative_to(root).as_posix()]
        for plugin in sorted(SECRETS_DISABLED):
            cmd += ["--disable-plugin", plugin]
        proc = _run([*cmd, "."], cwd=root)
        if proc.returncode != 0 or not proc.stdout.strip():
            raise RuntimeError(f"detect-secrets failed ({proc.returncode}): "
                               f"{proc.stderr[-2000:]}")
        found = []
        for file, secrets in json.loads(proc.stdout).get("results", {}).items():
            if file.endswith((".pyc", ".pyo", ".so", ".dll", ".exe")):
                continue
            for secret in secrets:
                name = detector.get(secret["type"], secret["type"])
                found.append(Finding(f"detect-secrets:{name}",
                                     SKIPPABLE if name in SECRETS_SKIPPABLE else BLOCKED,
                                     f"{file}:{secret.get('line_number', 0)}",
                                     f"potential {secret['type']}"))
        return found


def scan_file_permissions(path: Path) -> list[Finding]:
    """A ``.py`` member with an execute bit (check severity info: never blocks)."""
    if _names(path) is None:
        return []
    with zipfile.ZipFile(path) as zf:
        return [Finding("scan:FILE_EXECUTABLE", NOTICE, info.filename,
                        "Python file with executable permission")
                for info in zf.infolist()
                if (info.external_attr >> 16) & 0o111 and info.filename.endswith(".py")]


def scan_suspicious_files(path: Path) -> list[Finding]:
    """Hidden files and executables/binaries (check severity warning: never blocks)."""
    found = []
    allowed_hidden = (".gitignore", ".gitattributes", *SECURITY_CONFIG_FILES)
    for name in _names(path) or []:
        base = os.path.basename(name)
        if base.startswith(".") and base not in allowed_hidden:
            found.append(Finding("scan:FILE_HIDDEN", NOTICE, name, "hidden file"))
        ext = next((e for e in SUSPICIOUS_EXTENSIONS if name.lower().endswith(e)), None)
        if ext:
            found.append(Finding("scan:FILE_SUSPICIOUS", NOTICE, name,
                                 f"executable or binary file ({ext})"))
    return found


SCAN_RULES: tuple[Rule, ...] = (scan_bandit, scan_secrets, scan_file_permissions,
                                scan_suspicious_files)
ALL_RULES: tuple[Rule, ...] = VALIDATOR_RULES + SCAN_RULES


def run_rules(rules: tuple[Rule, ...], path: Path) -> list[Finding]:
    return [finding for rule in rules for finding in rule(path)]


def _report(title: str, findings: list[Finding]) -> str:
    lines = [title, *(f"  {f}" for f in findings)]
    if any(f.outcome in (BLOCKED, SKIPPABLE) for f in findings):
        lines.append("Fix the code; only where a finding is a false positive, end the line with "
                     "'# nosec BXXX' (bandit; the reason in a comment above it, as bandit reads "
                     "any words after nosec as test ids) or '# pragma: allowlist secret' "
                     "(detect-secrets). A skippable rule can also be ticked at upload, a "
                     "mandatory one cannot.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The built plugin ZIP
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python scripts/build_plugin_zip.py --out DIR``, as the README documents."""
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, str(BUILD), "--out", str(out)], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    path = Path(proc.stdout.strip().splitlines()[-1])
    assert path.is_file() and path.parent == out
    return path


def _placeholder_url_fields(path: Path) -> set[str]:
    items = _meta_items(path) or {}
    return {key for key, _ in URL_FIELDS
            if (urlparse(items.get(key)).hostname or "").endswith(".invalid")}


def test_validator_refuses_the_plugin_only_for_its_placeholder_urls(plugin_zip: Path) -> None:
    findings = run_rules(VALIDATOR_RULES, plugin_zip)
    placeholders = _placeholder_url_fields(plugin_zip)
    allowed = [f for f in findings if f.rule == "validator:url-reachable"
               and f.where.split("=", 1)[0] in placeholders]
    others = [f for f in findings if f not in allowed]
    if others:
        pytest.fail(_report(f"The plugin repository's validator would refuse {plugin_zip.name} "
                            "(or warn) for more than the placeholder URLs:", others),
                    pytrace=False)
    # the placeholders are found (the link check ran); real URLs give no finding at all
    assert {f.where.split("=", 1)[0] for f in allowed} == placeholders


def test_security_scan_would_not_block_the_plugin(plugin_zip: Path) -> None:
    findings = run_rules(SCAN_RULES, plugin_zip)
    if findings:
        pytest.fail(_report("The plugin repository's security scan (bandit, detect-secrets and "
                            f"the file checks, with its settings) reports on {plugin_zip.name}:",
                            findings), pytrace=False)


# ---------------------------------------------------------------------------------------------
# Each rule, both ways: a small plugin that meets every rule, and one broken per rule
# ---------------------------------------------------------------------------------------------

GOOD_METADATA = """\
[general]
name=Hello
qgisMinimumVersion=3.22
description=Says hello
about=A plugin that says hello, for the rule tests.
version=1.0.0
author=Jane Doe
email=jane@example.org
tracker=https://github.com/jane-doe/hello/issues
repository=https://github.com/jane-doe/hello
homepage=https://github.com/jane-doe/hello
icon=icon.png
experimental=False
"""
GOOD_FILES: dict[str, bytes | str] = {
    "__init__.py": "def classFactory(iface):\n    from .hello import Hello\n\n"
                   "    return Hello(iface)\n",
    "hello.py": "class Hello:\n    def __init__(self, iface):\n        self.iface = iface\n\n"
                "    def initGui(self):\n        pass\n\n    def unload(self):\n        pass\n",
    "metadata.txt": GOOD_METADATA,
    "LICENSE": "GNU GENERAL PUBLIC LICENSE, Version 2 (text left out in this test)\n",
    "icon.png": b"\x89PNG\r\n\x1a\n",
}


def make_zip(target: Path, files: Mapping[str, bytes | str], folder: str | None = "hello",
             modes: Mapping[str, int] | None = None) -> Path:
    """A plugin ZIP: ``files`` (relative names, in order) under ``folder/`` (or, when folder is
    None, as given)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, data in files.items():
            info = zipfile.ZipInfo(rel if folder is None else f"{folder}/{rel}")
            info.create_system = 3
            info.external_attr = (0o100000 | (modes or {}).get(rel, 0o644)) << 16
            zf.writestr(info, data)
    return target


def _with_metadata(**changes: str | None) -> dict[str, bytes | str]:
    """GOOD_FILES with metadata keys replaced (None: removed)."""
    lines = [line for line in GOOD_METADATA.splitlines()
             if line.split("=", 1)[0] not in changes]
    lines += [f"{key}={value}" for key, value in changes.items() if value is not None]
    return {**GOOD_FILES, "metadata.txt": "\n".join(lines) + "\n"}


def _without(name: str) -> dict[str, bytes | str]:
    return {k: v for k, v in GOOD_FILES.items() if k != name}


def _big_zip(target: Path) -> Path:
    make_zip(target, GOOD_FILES)
    with zipfile.ZipFile(target, "a", zipfile.ZIP_STORED) as zf:
        zf.writestr("hello/data.bin", os.urandom(PLUGIN_MAX_UPLOAD_SIZE + 1))
    return target


def _crc_zip(target: Path) -> Path:
    marker = b"x" * 64
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zf:
        for rel, data in {**GOOD_FILES, "data.txt": marker}.items():
            zf.writestr(f"hello/{rel}", data)
    raw = target.read_bytes()
    target.write_bytes(raw.replace(marker, b"y" * 64))
    return target


def _private_key() -> str:
    # made at run time, so that no scanner reads this test file as holding a key
    begin, end = "-----BEGIN " + "RSA PRIVATE KEY-----", "-----END " + "RSA PRIVATE KEY-----"
    return f"{begin}\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n{end}\n"


#: (rule, expected rule id, expected outcome, builder of the bad ZIP).
BAD_CASES: dict[str, tuple[Rule, str, str, Callable[[Path], Path]]] = {
    "size": (check_size, "validator:size", REFUSED, _big_zip),
    "not-a-zip": (check_is_zip, "validator:zip", REFUSED,
                  lambda p: (p.write_bytes(b"this is not a ZIP file"), p)[1]),
    "dotdot": (check_no_path_information, "validator:path", REFUSED,
               lambda p: make_zip(p, {**GOOD_FILES, "../evil.py": "x = 1\n"})),
    "absolute": (check_no_path_information, "validator:path", REFUSED,
                 lambda p: make_zip(p, {**{f"hello/{k}": v for k, v in GOOD_FILES.items()},
                                        "/etc/evil.py": "x = 1\n"}, folder=None)),
    "pyc": (check_no_pyc, "validator:pyc", REFUSED,
            lambda p: make_zip(p, {**GOOD_FILES, "hello.cpython-311.pyc": b"\0"})),
    "pycache": (check_no_forbidden_dirs, "validator:forbidden-dir", REFUSED,
                lambda p: make_zip(p, {**GOOD_FILES, "__pycache__/x.txt": "x"})),
    "git": (check_no_forbidden_dirs, "validator:forbidden-dir", REFUSED,
            lambda p: make_zip(p, {**GOOD_FILES, ".git/config": "[core]\n"})),
    "macosx": (check_no_forbidden_dirs, "validator:forbidden-dir", REFUSED,
               lambda p: make_zip(p, {**{f"hello/{k}": v for k, v in GOOD_FILES.items()},
                                      "__MACOSX/hello/._icon.png": b"\0"}, folder=None)),
    "crc": (check_crc, "validator:crc", REFUSED, _crc_zip),
    "two-parents": (check_single_parent_folder, "validator:multiple-parents", NOTICE,
                    lambda p: make_zip(p, {**{f"hello/{k}": v for k, v in GOOD_FILES.items()},
                                           "other/readme.txt": "x"}, folder=None)),
    "backslash": (check_zip_spec_names, "validator:zip-spec", REFUSED,
                  lambda p: make_zip(p, {**GOOD_FILES, "sub\\x.py": "x = 1\n"})),
    "drive-letter": (check_zip_spec_names, "validator:zip-spec", REFUSED,
                     lambda p: make_zip(p, {**{f"hello/{k}": v for k, v in GOOD_FILES.items()},
                                            "C:/x.py": "x = 1\n"}, folder=None)),
    "no-folder": (check_top_folder, "validator:folder", REFUSED,
                  lambda p: make_zip(p, GOOD_FILES, folder=None)),
    "folder-not-identifier": (check_top_folder_pep8, "validator:folder-pep8", REFUSED,
                              lambda p: make_zip(p, GOOD_FILES, folder="hello-world")),
    "folder-underscore": (check_top_folder_name, "validator:folder-name", REFUSED,
                          lambda p: make_zip(p, GOOD_FILES, folder="_hello")),
    "no-init": (check_init_py, "validator:init", REFUSED,
                lambda p: make_zip(p, {"hello.py": GOOD_FILES["hello.py"],
                                       **_without("__init__.py")})),
    "percent-in-about": (check_metadata_parses, "validator:metadata-parse", REFUSED,
                         lambda p: make_zip(p, _with_metadata(about="100% offline"))),
    "duplicate-key": (check_metadata_parses, "validator:metadata-parse", REFUSED,
                      lambda p: make_zip(p, {**GOOD_FILES,
                                             "metadata.txt": GOOD_METADATA + "name=Again\n"})),
    "no-general": (check_metadata_parses, "validator:metadata-parse", REFUSED,
                   lambda p: make_zip(p, {**GOOD_FILES, "metadata.txt":
                                          GOOD_METADATA.replace("[general]", "[plugin]")})),
    "no-tracker": (check_required_metadata, "validator:required-metadata", REFUSED,
                   lambda p: make_zip(p, _with_metadata(tracker=None))),
    "no-about": (check_required_metadata, "validator:required-metadata", REFUSED,
                 lambda p: make_zip(p, _with_metadata(about=None))),
    "icon-missing": (check_icon, "validator:icon", NOTICE,
                     lambda p: make_zip(p, _without("icon.png"))),
    "supportsQt6": (check_supports_qt6, "validator:supportsQt6", NOTICE,
                    lambda p: make_zip(p, _with_metadata(supportsQt6="True"))),
    "qgis-1.6": (check_old_qgis_init_metadata, "validator:qgis-below-1.8", REFUSED,
                 lambda p: make_zip(p, _with_metadata(qgisMinimumVersion="1.6"))),
    "template-tracker": (check_url_syntax, "validator:url", REFUSED,
                         lambda p: make_zip(p, _with_metadata(tracker="http://bugs"))),
    "no-scheme": (check_url_syntax, "validator:url", REFUSED,
                  lambda p: make_zip(p, _with_metadata(repository="github.com/jane-doe/x"))),
    "no-homepage": (check_url_syntax, "validator:url", REFUSED,
                    lambda p: make_zip(p, _with_metadata(homepage=None))),
    "placeholder-host": (check_url_reachable, "validator:url-reachable", REFUSED,
                         lambda p: make_zip(p, _with_metadata(
                             homepage="https://example.invalid/hello"))),
    "internal-host": (check_url_reachable, "validator:url-reachable", REFUSED,
                      lambda p: make_zip(p, _with_metadata(tracker="http://192.168.1.10/x"))),
    "ftp": (check_url_reachable, "validator:url-reachable", REFUSED,
            lambda p: make_zip(p, _with_metadata(repository="ftp://ftp.jane-doe.nl/hello"))),
    "no-license": (check_license, "validator:license", REFUSED,
                   lambda p: make_zip(p, _without("LICENSE"))),
    "author-slash": (check_author, "validator:author", REFUSED,
                     lambda p: make_zip(p, _with_metadata(author="Jane/John"))),
    "long-version": (check_version_columns, "validator:version-column", REFUSED,
                     lambda p: make_zip(p, _with_metadata(version="1.0." + "9" * 40))),
    "bandit-mandatory": (scan_bandit, "bandit:B105", BLOCKED,
                         lambda p: make_zip(p, {**GOOD_FILES, "creds.py":
                                                "pass" + 'word = "hunter2"\n'})),
    "bandit-skippable": (scan_bandit, "bandit:B101", SKIPPABLE,
                         lambda p: make_zip(p, {**GOOD_FILES, "checks.py":
                                                "def f(x):\n    assert x\n"})),
    "secret-mandatory": (scan_secrets, "detect-secrets:PrivateKeyDetector", BLOCKED,
                         lambda p: make_zip(p, {**GOOD_FILES, "key.txt": _private_key()})),
    "secret-skippable": (scan_secrets, "detect-secrets:KeywordDetector", SKIPPABLE,
                         lambda p: make_zip(p, {**GOOD_FILES, "conf.py":
                                                "api_" + 'key = "q7Lm2pX9vR4tZ8wK"\n'})),
    "executable-py": (scan_file_permissions, "scan:FILE_EXECUTABLE", NOTICE,
                      lambda p: make_zip(p, GOOD_FILES, modes={"hello.py": 0o755})),
    "hidden-file": (scan_suspicious_files, "scan:FILE_HIDDEN", NOTICE,
                    lambda p: make_zip(p, {**GOOD_FILES, ".env": "X=1\n"})),
    "shell-script": (scan_suspicious_files, "scan:FILE_SUSPICIOUS", NOTICE,
                     lambda p: make_zip(p, {**GOOD_FILES, "run.sh": "echo hi\n"})),
}


def test_a_plugin_that_meets_the_rules_has_no_finding(tmp_path: Path) -> None:
    good = make_zip(tmp_path / "hello.zip", GOOD_FILES)
    assert run_rules(ALL_RULES, good) == []
    # the URL rule reads real URLs as fine, so the built ZIP's findings are its placeholders
    assert _placeholder_url_fields(good) == set()


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_each_rule_finds_what_breaks_it(case: str, tmp_path: Path) -> None:
    rule, rule_id, outcome, build = BAD_CASES[case]
    bad = build(tmp_path / "bad.zip")
    findings = rule(bad)
    assert any(f.rule == rule_id and f.outcome == outcome for f in findings), (
        f"{rule.__name__} missed {case}: {[str(f) for f in findings]}")


def test_every_rule_has_a_bad_case() -> None:
    covered = {rule for rule, *_ in BAD_CASES.values()}
    assert covered == set(ALL_RULES), {r.__name__ for r in set(ALL_RULES) - covered}


def test_rule_tables_are_consistent() -> None:
    assert not BANDIT_MANDATORY & BANDIT_SKIPPABLE
    assert not SECRETS_MANDATORY & SECRETS_SKIPPABLE
    assert not (SECRETS_MANDATORY | SECRETS_SKIPPABLE) & SECRETS_DISABLED
    assert BANDIT_REMOVED_UPSTREAM <= BANDIT_MANDATORY | BANDIT_SKIPPABLE
