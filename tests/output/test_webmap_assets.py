"""The map's vendored JavaScript/CSS: the npm packages' own files, with their licences, listed
alike in the fetch script and the map; and the offline option through the writer and the CLI."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from wijkkracht.output.webmap import ASSETS_DIR, WEB_ASSETS

REPO = Path(__file__).resolve().parents[2]
#: Where scripts/fetch_web_assets.sh unpacks the npm packages (as in conftest.py).
NPM_DIR = Path(os.environ.get("WIJKKRACHT_WEB_ASSETS", REPO / ".cache" / "web-assets"))
FETCH = REPO / "scripts" / "fetch_web_assets.sh"


def _vendor_lists() -> dict[str, list[str]]:
    """``VENDOR`` of scripts/fetch_web_assets.sh: package@version -> files in the package."""
    text = FETCH.read_text(encoding="utf-8")
    block = re.search(r"^VENDOR=\((.*?)^\)", text, re.S | re.M)
    assert block, "no VENDOR list in the fetch script"
    out = {}
    for line in re.findall(r'"([^"]+)"', block.group(1)):
        spec, *files = line.split()
        out[spec] = files
    return out


def test_the_script_vendors_what_the_map_uses() -> None:
    vendor = _vendor_lists()
    packages = re.search(r"^PACKAGES=\((.*?)^\)", FETCH.read_text(encoding="utf-8"), re.S | re.M)
    assert packages and set(re.findall(r'"([^"]+)"', packages.group(1))) == set(vendor)
    for asset in WEB_ASSETS:
        assert asset.path in vendor[f"{asset.package}@{asset.version}"]
        assert asset.vendored.is_file(), asset.vendored
    # what the script copies is what the folder holds: nothing more, nothing less
    held = {p.relative_to(ASSETS_DIR).as_posix() for p in ASSETS_DIR.rglob("*") if p.is_file()}
    listed = {f"{spec}/{f.removeprefix('dist/')}" for spec, files in vendor.items() for f in files}
    assert held - {"README.md"} == listed


def test_licences_are_vendored_with_the_code() -> None:
    leaflet = (ASSETS_DIR / "leaflet@1.9.3" / "LICENSE").read_text(encoding="utf-8")
    assert "BSD 2-Clause" in leaflet or "Redistribution and use in source and binary" in leaflet
    cluster = (ASSETS_DIR / "leaflet.markercluster@1.5.3" / "MIT-LICENCE.txt").read_text(
        encoding="utf-8")
    assert "Permission is hereby granted, free of charge" in cluster
    assert '.version="1.9.3"' in (ASSETS_DIR / "leaflet@1.9.3" / "leaflet.js").read_text(
        encoding="utf-8")


def test_vendored_files_are_the_npm_packages_own() -> None:
    """Byte for byte the files of ``npm pack`` (scripts/fetch_web_assets.sh fills NPM_DIR)."""
    if not (NPM_DIR / "leaflet.markercluster@1.5.3" / "package.json").is_file():
        if os.environ.get("WIJKKRACHT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"the npm packages are missing in {NPM_DIR}; run "
                        "scripts/fetch_web_assets.sh")
        pytest.skip(f"the npm packages are missing in {NPM_DIR}")
    for spec, files in _vendor_lists().items():
        for f in files:
            npm = (NPM_DIR / spec / f).read_bytes()
            ours = (ASSETS_DIR / spec / f.removeprefix("dist/")).read_bytes()
            assert hashlib.sha256(npm).digest() == hashlib.sha256(ours).digest(), f"{spec}/{f}"


def test_write_outputs_and_the_cli_write_an_offline_map(tmp_path: Path) -> None:
    from wijkkracht.cli import main

    out = tmp_path / "demo"
    assert main(["demo", "--osm-only", "--offline", "--out", str(out), "-q"]) == 0
    page = (out / "wijkkracht.html").read_text(encoding="utf-8")
    assert '<script data-asset="leaflet@1.9.3">' in page
    assert "cdn.jsdelivr.net" not in page
    assert not re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)=", page)
    online = tmp_path / "online"
    assert main(["demo", "--osm-only", "--web-assets", "cdn", "--out", str(online),
                 "-q"]) == 0
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in \
        (online / "wijkkracht.html").read_text(encoding="utf-8")
