"""Read a typology model: the JSON file of ``wijkkracht typology fit``, or the model kept in
a wijkkracht GeoPackage.

A model holds what is needed to give other streets the same opportunity types (features,
percentile knots, centroids, names with their rules; see
:class:`wijkkracht.core.typology.TypologyModel`). A result GeoPackage keeps the model that
typed its streets in its dataset metadata (``WIJKKRACHT_TYPOLOGY_MODEL``), so a result can
serve as the model for the next run.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import InputError
from ..core.typology import TypologyModel
from .file_checks import check_file

__all__ = ["read_typology_model", "MODEL_METADATA"]

#: GeoPackage dataset metadata key holding the model as JSON.
MODEL_METADATA = "WIJKKRACHT_TYPOLOGY_MODEL"


def read_typology_model(path: str | Path) -> TypologyModel:
    """The typology model in ``path``: a model JSON file or a wijkkracht GeoPackage.

    Raises
    ------
    InputError
        The file is missing, a folder, not a model, of another format version, or a
        GeoPackage without a model (a result of a wijkkracht before models).
    """
    gpkg = Path(path).suffix.lower() == ".gpkg"
    p = check_file(path, "typology model file (JSON from 'wijkkracht typology fit', or a "
                         "wijkkracht .gpkg result)", kind="vector" if gpkg else "text")
    if gpkg:
        import pyogrio

        try:
            meta = pyogrio.read_info(p, layer="streets").get("dataset_metadata") or {}
        except Exception as exc:  # noqa: BLE001 - any GDAL error: not a result file
            raise InputError(p, "not a wijkkracht result (no streets layer); give a typology "
                                "model .json or a wijkkracht .gpkg") from exc
        text = meta.get(MODEL_METADATA)
        if not text:
            raise InputError(p, "holds no typology model (written by a wijkkracht before "
                                "typology models); fit one with 'wijkkracht typology fit "
                                f"{p.name} --out model.json'")
        return TypologyModel.from_json(text, source=str(p))
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(p, "not a typology model: not a UTF-8 JSON text file") from exc
    except OSError as exc:
        raise InputError(p, f"cannot read the typology model ({exc.strerror or exc})") from exc
    return TypologyModel.from_json(text, source=str(p))
