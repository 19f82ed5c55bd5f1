"""Duplicate detection: canonical URLs, exact text hashes, and MinHash LSH for near-duplicate wire copies."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from app.keys import normalise_text

NUM_PERM = 128
SCHEME = "affine32"  # fixed, so signatures stored by one datasketch release compare with the next one's
SHINGLE_WORDS = 3
NEAR_DUPLICATE_THRESHOLD = 0.8
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> set[bytes]:
    """Overlapping word triples of the normalised text: a few edited words change only a few shingles."""
    words = _WORD.findall(normalise_text(text))
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


def minhash_of(text: str) -> MinHash:
    signature = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    grams = shingles(text)
    if grams:
        signature.update_batch(list(grams))
    return signature


def signature_bytes(signature: MinHash) -> bytes:
    return np.asarray(signature.hashvalues, dtype="<u4").tobytes()  # affine32 values fit 32 bits


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The permutation parameters every signature shares (fixed seed), drawn once: drawing them for each of
    10,000 stored signatures took most of a job's start."""
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def signature_from_bytes(data: bytes) -> MinHash | None:
    values = np.frombuffer(data, dtype="<u4")
    if len(values) != NUM_PERM:
        return None
    return MinHash(num_perm=NUM_PERM, hashvalues=values.copy(), scheme=SCHEME, permutations=_permutations())


@dataclass(slots=True)
class NearMatch:
    article_id: int
    score: float


class NearDuplicateIndex:
    """Banded LSH over stored signatures: each new article is compared with a handful of candidates, not all."""

    def __init__(self, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._signatures: dict[int, MinHash] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def load(self, rows: Iterable[tuple[int, bytes | None]]) -> None:
        """Index (article id, stored signature) pairs, skipping missing or foreign-sized ones."""
        for article_id, data in rows:
            signature = signature_from_bytes(data) if data else None
            if signature is not None and article_id not in self._signatures:
                self.add(article_id, signature)

    def add(self, article_id: int, signature: MinHash) -> None:
        self._signatures[article_id] = signature
        self._lsh.insert(article_id, signature, check_duplication=False)

    def best_match(self, signature: MinHash) -> NearMatch | None:
        """The most similar indexed article at or above the threshold (oldest first on ties)."""
        best: NearMatch | None = None
        for article_id in sorted(self._lsh.query(signature)):
            score = float(signature.jaccard(self._signatures[article_id]))
            if score >= self.threshold and (best is None or score > best.score):
                best = NearMatch(article_id, score)
        return best
