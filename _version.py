"""The one source of wijkkracht's version (pyproject reads it; a test checks metadata.txt)."""

__version__ = "0.1.0"
