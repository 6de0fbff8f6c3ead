"""QGIS glue (imports QGIS; never imported by the library, the CLI or the tests of the core)."""
