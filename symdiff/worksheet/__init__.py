"""Worksheets: a TOML file of questions (``schema.py``), read with errors that point into it (``load.py``)."""

from .load import Source, load
from .schema import Worksheet

__all__ = ["Source", "Worksheet", "load"]
