"""ISO input formats first (see yiyang.core.formats); Django's own formats for everything else."""

from yiyang.core.formats import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS

__all__ = ["DATETIME_INPUT_FORMATS", "DATE_INPUT_FORMATS"]
