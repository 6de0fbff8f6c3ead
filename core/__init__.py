"""The pure analysis core of wijkkracht: no QGIS, no I/O beyond what callers pass in."""
