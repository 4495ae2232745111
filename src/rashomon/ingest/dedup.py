"""Near-duplicate detection for wire copy: MinHash over word shingles (datasketch), LSH band keys.

The band keys go into the store, so candidate copies are found by an indexed equality lookup across
everything ever ingested, not by holding an LSH index in memory.
"""

from __future__ import annotations

import functools
import hashlib
import re

import numpy as np
from datasketch import MinHash, MinHashLSH

SHINGLE_WORDS = 5
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def signature(text: str, num_perm: int) -> np.ndarray:
    """The MinHash signature (uint64 values) of a text's word shingles."""
    minhash = MinHash(num_perm=num_perm, seed=1)
    minhash.update_batch(list(shingles(text)))
    return np.asarray(minhash.hashvalues, dtype=np.uint64)


@functools.cache
def _band_layout(threshold: float, num_perm: int) -> tuple[int, int]:
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def band_keys(sig: np.ndarray, threshold: float) -> list[str]:
    """One key a band; two texts whose Jaccard similarity passes ``threshold`` share a key with high probability."""
    bands, rows = _band_layout(threshold, len(sig))
    keys = []
    for band in range(bands):
        chunk = sig[band * rows : (band + 1) * rows].tobytes()
        keys.append(f"{band}:{hashlib.blake2b(chunk, digest_size=16).hexdigest()}")
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    if len(a) != len(b) or not len(a):
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)


def to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u8").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


class CopyIndex:
    """The kept signatures of one input set, for finding the copy home of the next text exactly as a scan of
    them all would (the first best match above the threshold), without comparing every pair.

    A match needs at least ``ceil(threshold * n)`` equal values of ``n``, so at most ``n - ceil(...)`` differ;
    cut the signature into one band more than that and, by pigeonhole, a match shares at least one whole
    band. Candidates come from band equality and are then scored in full: the result is exact.
    """

    def __init__(self, threshold: float, num_perm: int) -> None:
        import math

        self.threshold = threshold
        self.num_perm = num_perm
        bands = num_perm - math.ceil(threshold * num_perm - 1e-9) + 1
        self.rows = num_perm // bands if 0 < bands <= num_perm else 0  # 0: every kept signature is a candidate
        self.bands = bands if self.rows else 0
        self.signatures: list[np.ndarray] = []
        self.index: dict[tuple[int, bytes], list[int]] = {}

    def _keys(self, sig: np.ndarray) -> list[tuple[int, bytes]]:
        return [(band, sig[band * self.rows : (band + 1) * self.rows].tobytes()) for band in range(self.bands)]

    def best(self, sig: np.ndarray) -> tuple[int | None, float]:
        """The first kept signature most similar to ``sig`` when its similarity reaches the threshold."""
        if self.rows and len(sig) == self.num_perm:
            candidates = sorted({i for key in self._keys(sig) for i in self.index.get(key, ())})
        else:
            candidates = list(range(len(self.signatures)))
        best, best_score = None, -1.0
        for i in candidates:
            score = similarity(sig, self.signatures[i])
            if score > best_score:
                best, best_score = i, score
        if best is None or best_score < self.threshold:
            return None, 0.0
        return best, best_score

    def add(self, sig: np.ndarray) -> int:
        self.signatures.append(sig)
        number = len(self.signatures) - 1
        if self.rows and len(sig) == self.num_perm:
            for key in self._keys(sig):
                self.index.setdefault(key, []).append(number)
        return number
