"""Settings: one object built at the entry point (CLI, API) and passed down to every stage.

Every field can be set from the environment as ``RASHOMON_<NAME>`` (``RASHOMON_DB``, ...). Stages never
read the environment themselves.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB = "sqlite:///rashomon.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RASHOMON_", frozen=True, extra="ignore")

    db: str = Field(DEFAULT_DB, description="SQLAlchemy URL or a path to an SQLite file.")

    # ---- fetching (ingest/fetch.py)
    allow_private_network: bool = False
    fetch_timeout: float = 20.0
    fetch_max_redirects: int = 5
    # Largest single input (file, HTTP body, JSONL line, WARC record) read; larger ones are refused.
    max_input_bytes: int = 20_000_000
    user_agent: str = "rashomon/0.1 (+https://github.com/rashomon-news/rashomon)"
    # Feed entries whose own text is shorter than this (characters) are treated as summaries and the
    # linked page is fetched instead (when fetching is possible).
    feed_summary_chars: int = 600
    fetch_linked_pages: bool = True

    # ---- extraction
    min_text_chars: int = 80
    language_detection: bool = True

    # ---- dedup (ingest/dedup.py)
    # MinHash Jaccard over 5-word shingles above which two bodies are copies of one wire story.
    # Calibrated on pairs of Article Extraction Benchmark bodies with light edits (bench/extraction
    # --dedup); edited wire copies sit at 0.7-0.95, distinct stories on one topic below 0.3.
    near_duplicate_threshold: float = 0.7
    minhash_permutations: int = 128

    # ---- failure boundaries (boundary.py)
    # Seconds one article may take in one stage (extraction, analysis) before it becomes a failure. A
    # news article takes 10-300 ms to extract and 50-500 ms to analyse on one core; the budget only
    # catches pathological inputs (catastrophic regex backtracking, megabytes without a paragraph break).
    article_time_budget: float = 60.0

    # ---- store
    batch_size: int = 50

    # ---- scale (rashomon batch)
    # Articles (files, or lines / records of a JSON Lines or WARC file) a Dask task reads and analyses: a
    # task costs ~40 s at 6 articles/s, long enough that scheduling (~1 ms a task) is nothing and short
    # enough that a lost worker costs little; memory per task is one partition's texts and analyses.
    batch_partition_size: int = 250

    # ---- analysis
    model: str = "en_core_web_sm"
    analyse_on_ingest: bool = True
    # Longest article text (characters) the analysis parses. spaCy's parser and tagger need about 1 GB
    # of temporary memory per 100,000 characters of one text; the longest news features are ~60,000.
    max_analysis_chars: int = 200_000
    # Processes that parse (0: one per core when a batch has 200 articles or more, else one).
    workers: int = 0
    # Claims split at coordinated clauses and semicolons ("X was arrested on Friday | and charged with five
    # crimes"), each with its own span; off: a claim is a sentence. See docs/methods.md for the measurement.
    atomic_claims: bool = False

    # ---- events
    event_window_days: float = 10.0

    # ---- compare
    # Sentence embeddings in claim alignment (when the embeddings extra is installed); off: the lexical pair
    # model (compare.pair_scorer_lexical.v1).
    compare_embeddings: bool = True
