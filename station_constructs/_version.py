"""The package version: the one place it is written (pyproject.toml reads it from here)."""

#: The version of station-constructs (PEP 440), e.g. ``0.2.0``.
__version__ = "0.2.0"
