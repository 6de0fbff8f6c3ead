"""The raster surfaces on the web map (part of :mod:`wijkkracht.output.webmap`): each warped to
the web map's projection, classified with the style specification's ramps, as a PNG image
overlay with its legend.
"""

from __future__ import annotations

import base64
import math
import struct
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..core.result import AnalysisResult
from .webmap_layers import _WGS84
from .webmap_text import _esc

#: Largest side (px) of a surface's image on the page.
_RASTER_MAX_PX = 2048

#: A surface cell becomes up to this many image pixels a side (crisp cell edges when warped).
_RASTER_OVERSAMPLE = 4

_RASTER_NOTE = {"nl": "0 (niets binnen bereik) en cellen zonder waarde: doorzichtig",
                "en": "0 (nothing within reach) and cells without a value: transparent"}


def _png(index: np.ndarray, colors: Sequence[str]) -> bytes:
    """A palette PNG of class indexes (0: transparent, i: ``colors[i - 1]``)."""
    from ..styles import hex_to_rgb

    h, w = index.shape

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))

    palette = b"".join(bytes(hex_to_rgb(c)) for c in ["#000000", *colors])
    alpha = bytes([0] + [255] * len(colors))
    raw = np.zeros((h, w + 1), np.uint8)  # filter byte 0 before every row
    raw[:, 1:] = index
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 3, 0, 0, 0))
            + chunk(b"PLTE", palette) + chunk(b"tRNS", alpha)
            + chunk(b"IDAT", zlib.compress(raw.tobytes(), 9)) + chunk(b"IEND", b""))


def surface_overlay(surface: Any, lang: str = "nl", *,
                    synthetic: bool = False) -> dict[str, Any]:
    """A raster surface as the map shows it: a PNG image in the web map's projection.

    The surface (:class:`wijkkracht.core.rasters.Surface`) is classified in its own grid with
    its style from the specification (:func:`wijkkracht.styles.raster_style`: a value in
    ``(0, breaks[0]]`` the first colour, ..., above the last break the last; 0 and nodata
    transparent), then the class image is warped to EPSG:3857 (``rasterio.warp.reproject``,
    nearest neighbour, each cell up to ``_RASTER_OVERSAMPLE`` pixels a side so that cell
    edges stay crisp), the projection of the web map's tiles, in which an image overlay lies
    right given its corners.

    Parameters
    ----------
    surface
        The surface.
    lang
        ``"nl"`` or ``"en"`` (title, legend).
    synthetic
        Mark it SYNTHETIC (made from SYNTHETIC inputs).

    Returns
    -------
    dict
        ``key``, ``title`` (label and unit), ``description``, ``url``
        (``data:image/png;base64,...``), ``bounds`` (``[[south, west], [north, east]]``,
        degrees), ``classes`` (``color``, ``label``), ``note``, ``opacity``, ``synthetic``,
        ``size`` (image width, height); strings HTML-escaped.
    """
    from pyproj import Transformer
    from rasterio.crs import CRS
    from rasterio.transform import Affine
    from rasterio.warp import Resampling, reproject

    from ..styles import raster_style

    style = raster_style(surface.name)
    values = np.asarray(surface.array, dtype="float64")
    if values.ndim != 2 or values.size == 0:
        raise ValueError(f"surface {surface.name!r}: a 2-D array is needed, not {values.shape}")
    show = np.isfinite(values) & (values > 0)
    if surface.nodata is not None and not math.isnan(float(surface.nodata)):
        show &= values != surface.nodata
    index = np.zeros(values.shape, np.uint8)
    cls = np.searchsorted(np.asarray(style.breaks, dtype="float64"), values, side="left")
    index[show] = (np.minimum(cls[show], len(style.colors) - 1) + 1).astype(np.uint8)

    src_crs = CRS.from_user_input(surface.crs)
    src_transform = Affine.from_gdal(*surface.transform)
    h, w = values.shape
    left, top = src_transform.c, src_transform.f
    right, bottom = left + w * src_transform.a, top + h * src_transform.e
    # the grid in web Mercator: the bounds of the (densified) outline; cells of the source
    # size there (the Mercator scale at the middle), divided by the oversampling
    to_web = Transformer.from_crs(src_crs.to_wkt(), 3857, always_xy=True)
    west, south, east, north = to_web.transform_bounds(left, bottom, right, top,
                                                       densify_pts=21)
    mid_lat = Transformer.from_crs(3857, _WGS84, always_xy=True).transform(
        0.0, (south + north) / 2)[1]
    cell = abs(src_transform.a) / math.cos(math.radians(mid_lat))
    k = max(1.0, min(float(_RASTER_OVERSAMPLE),
                     _RASTER_MAX_PX * cell / max(east - west, north - south)))
    res = cell / k
    dw, dh = math.ceil((east - west) / res), math.ceil((north - south) / res)
    dst_transform = Affine(res, 0.0, west, 0.0, -res, north)
    web = CRS.from_epsg(3857)
    image = np.zeros((dh, dw), np.uint8)
    reproject(index, image, src_transform=src_transform, src_crs=src_crs, src_nodata=0,
              dst_transform=dst_transform, dst_crs=web, dst_nodata=0,
              resampling=Resampling.nearest)
    west, north = dst_transform.c, dst_transform.f
    east, south = west + dw * dst_transform.a, north + dh * dst_transform.e
    to_wgs = Transformer.from_crs(3857, _WGS84, always_xy=True)
    (lon0, lon1), (lat0, lat1) = to_wgs.transform([west, east], [south, north])
    return {
        "key": _esc(surface.name),
        "title": _esc(surface.title(lang)),
        "description": _esc(surface.description(lang)),
        "url": "data:image/png;base64," + base64.b64encode(_png(image, style.colors)).decode(),
        "bounds": [[round(lat0, 7), round(lon0, 7)], [round(lat1, 7), round(lon1, 7)]],
        "classes": [{"color": color, "label": _esc(label)}
                    for label, color in style.legend(lang)],
        "note": _esc(_RASTER_NOTE[lang]),
        "opacity": style.opacity,
        "synthetic": synthetic,
        "size": [int(dw), int(dh)],
    }


def _surface_synthetic(surface: Any, kinds: Sequence[str]) -> bool:
    """Whether a surface rests on a SYNTHETIC input (what its kind requires; establishments
    are placed on the BAG, so a SYNTHETIC BAG counts for them too)."""
    from ..core.rasters import surface_kind

    needs = surface_kind(surface.name).requires
    return needs in kinds or (needs == "establishments" and "bag" in kinds)


def _rasters_data(result: AnalysisResult, lang: str, kinds: Sequence[str]
                  ) -> dict[str, Any]:
    rasters = getattr(result, "rasters", None) or {}
    return {"surfaces": [surface_overlay(s, lang, synthetic=_surface_synthetic(s, kinds))
                         for s in rasters.values()]}
