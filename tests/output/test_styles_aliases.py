"""Field aliases from the registered labels, and the QML's ``pass`` attribute written without a
literal that password scanners (bandit B105/B106, as the plugin repository runs it) flag."""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from wijkkracht.core.indicators.registry import indicator
from wijkkracht.styles.aliases import field_alias, layer_aliases
from wijkkracht.styles.qml import pois_qml, types_qml, with_aliases

STYLES = Path(__file__).resolve().parents[2] / "styles"
#: bandit's candidate names for a password (general_hardcoded_password.RE_CANDIDATES).
_WORDS = "(pas+wo?r?d|pass(phrase)?|pwd|token|secrete?)"
CANDIDATE = re.compile(f"(^{_WORDS}$|_{_WORDS}_|^{_WORDS}_|_{_WORDS}$)", re.IGNORECASE)


def test_symbol_layers_keep_their_rendering_pass() -> None:
    """The streets' symbol levels: paths first, then the streets without a type, the types."""
    root = ET.fromstring(types_qml(lang="nl").split("\n", 1)[1])
    passes = {}
    for cat in root.iter("category"):
        symbol = next(s for s in root.iter("symbol") if s.get("name") == cat.get("symbol"))
        passes[cat.get("value")] = symbol.find("layer").get("pass")
    assert passes["untyped_path"] == "0" and passes["untyped_street"] == "1"
    assert passes["lively_centre"] == "2"
    assert '<layer class="SimpleLine" enabled="1" pass="0" locked="0">' in types_qml(lang="nl")


def test_styles_hold_no_password_like_literal() -> None:
    """No string that reads as a password name is a dict key, subscript, keyword or
    assignment target in styles/ (what bandit's B105/B106 look at)."""
    found = []
    for path in sorted(STYLES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Dict):
                names = [k.value for k in node.keys
                         if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                names = [str(node.slice.value)]
            elif isinstance(node, ast.Call):
                names = [kw.arg for kw in node.keywords if kw.arg]
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
            found += [f"{path.name}:{node.lineno} {n}" for n in names if CANDIDATE.search(n)]
    assert found == []


def test_aliases_from_the_registry() -> None:
    assert field_alias("hill1_400", "nl") == indicator("hill1_400").title("nl")
    assert field_alias("hill1_400_mean", "en") == \
        f"{indicator('hill1_400').title('en')}, mean weighted by street length"
    assert field_alias("zo_23", "en") == "Amenities open Sunday 23:00–24:00"
    assert field_alias("spend_demand", "nl") == "Vraag (huishoudens/woningen)"
    assert field_alias("drawn", "nl", layer="spending_scenarios") == \
        "Wat de winkel zou aantrekken (woningen)"
    assert field_alias("fid", "nl") is None and field_alias("geometry", "en") is None
    assert layer_aliases(["fid", "no_class", "unknown_column"], "nl") == {"no_class": "N/O-klasse"}


def test_with_aliases_keeps_the_styles_own() -> None:
    qml = with_aliases(types_qml(lang="nl"), {"kind": "other", "extra_field": "Extra"})
    aliases = {a.get("field"): a.get("name") for a in ET.fromstring(
        qml.split("\n", 1)[1]).iter("alias")}
    assert aliases["kind"] == "Soort segment" and aliases["extra_field"] == "Extra"
    root = ET.fromstring(with_aliases(pois_qml(lang="en"), {"tag": "OSM tag"}).split("\n", 1)[1])
    assert root.get("styleCategories") == "Symbology|Fields"
    assert root.find("renderer-v2") is not None and root.find("aliases/alias").get("name") == \
        "OSM tag"
    table = ET.fromstring(with_aliases(None, {"share": "Aandeel"}).split("\n", 1)[1])
    assert table.get("styleCategories") == "Fields" and table.find("renderer-v2") is None
