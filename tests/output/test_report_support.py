"""Helpers of the report tests: read the tables and sections of a report page.

(No tests here; the name keeps it with the report tests.)
"""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Tables(HTMLParser):
    """Every ``<table>`` of a page: its class and its rows of cell texts (tags dropped, entities
    decoded, whitespace collapsed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows = []
            self.tables.append((dict(attrs).get("class") or "", self._rows))
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(page: str, cls: str) -> list[list[list[str]]]:
    """The tables whose class list holds ``cls``: rows of cell texts, header row first."""
    parser = _Tables()
    parser.feed(page)
    return [rows for c, rows in parser.tables if cls in c.split()]


def key_figures(page: str) -> dict[str, tuple[str, str]]:
    """The key-figures table: label (SYNTHETIC tag dropped) -> (value, note)."""
    (rows,) = tables(page, "wk-key")
    out = {}
    for cells in rows[1:]:
        label = re.sub(r"\s*(SYNTHETISCH|SYNTHETIC)$", "", cells[0])
        out[label] = (cells[1], cells[2])
    return out


def section(page: str, section_id: str) -> str:
    """The HTML of ``<section id=...>`` up to its end (sections are not nested)."""
    start = page.index(f'<section id="{section_id}"')
    return page[start:page.index("</section>", start)]


def articles(page: str) -> dict[str, str]:
    """The type articles of a page: type key -> its HTML."""
    out = {}
    for m in re.finditer(r'<article class="wk-type" id="type-([a-z_]+)">(.*?)</article>', page,
                         re.S):
        out[m.group(1)] = m.group(2)
    return out


def text(fragment: str) -> str:
    """The text of an HTML fragment, whitespace collapsed (entities decoded)."""
    import html

    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
