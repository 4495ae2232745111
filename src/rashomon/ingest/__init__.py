"""Ingest: raw inputs (text and Markdown scrapes, HTML, urls, RSS/Atom, WARC, JSON Lines) to Article records."""

from rashomon.ingest.extract import content_hash, extract_document
from rashomon.ingest.fetch import Fetcher
from rashomon.ingest.sources import read_sources

__all__ = ["Fetcher", "content_hash", "extract_document", "read_sources"]
