"""Rashomon: read news reports from many outlets, group the reports of one event, show how they differ."""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__"]
