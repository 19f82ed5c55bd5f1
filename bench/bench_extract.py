"""Extraction throughput: Dateline's pipeline against raw ``nlp.pipe`` of the same model, in one run.

usage: python -m bench.bench_extract [FOLDER_OR_JSONL] [--limit N] [--rounds R] [--processes P]

Texts default to the BBC folder of the evaluation data when present (evaluation only, never committed),
else the bundled samples. Rounds alternate raw / Dateline so that machine noise hits both alike; the
best round of each is compared. Target: Dateline ≥ 0.75 × raw.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import spacy

from app.extract.parallel import ExtractionPool
from app.extract.pipeline import ArticleInput, Extractor, build_nlp, resolve_model_name
from app.settings import get_settings
from app.textio import UnreadableInput, read_text_file

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BBC = ROOT.parent / "shared" / "eval" / "data" / "bbc"


def load_texts(source: Path, limit: int) -> list[str]:
    texts: list[str] = []
    if source.is_file() and source.suffix == ".jsonl":
        for line in source.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    else:
        for path in sorted(source.rglob("*.txt")):
            try:
                texts.append(read_text_file(path))
            except UnreadableInput:
                continue
            if len(texts) >= limit:
                break
    return texts[:limit]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=0, help="also time ExtractionPool with P workers")
    args = parser.parse_args()
    source = args.source or (DEFAULT_BBC if DEFAULT_BBC.exists() else ROOT / "samples" / "wikinews-airlines.jsonl")
    texts = load_texts(source, args.limit)
    chars = sum(map(len, texts))
    model = resolve_model_name(get_settings().spacy_model)  # DATELINE_SPACY_MODEL, as the product reads it
    print(f"model: {model}")
    raw = spacy.load(model)
    extractor = Extractor(nlp=build_nlp(model))
    items = [ArticleInput(id=str(i), text=t) for i, t in enumerate(texts)]

    def run_raw() -> None:
        for _ in raw.pipe(texts, batch_size=32):
            pass

    def run_dateline() -> None:
        for _ in extractor.extract_many(items, batch_size=32):
            pass

    run_raw(), run_dateline()  # warm caches
    raw_t, dl_t = [], []
    for _ in range(args.rounds):
        raw_t.append(timed(run_raw))
        dl_t.append(timed(run_dateline))
    best_raw, best_dl = min(raw_t), min(dl_t)
    print(f"texts: {len(texts)} articles, {chars:,} chars from {source}")
    print(f"raw nlp.pipe      : {len(texts) / best_raw:8.1f} articles/s {chars / best_raw:12,.0f} chars/s")
    print(f"dateline extract  : {len(texts) / best_dl:8.1f} articles/s {chars / best_dl:12,.0f} chars/s")
    print(f"ratio dateline/raw: {best_raw / best_dl:.3f}  (target >= 0.75; best of {args.rounds} rounds each)")
    if args.processes > 1:
        def run_pool() -> None:
            with ExtractionPool(processes=args.processes) as pool:
                for _ in pool.map((None, item) for item in items):
                    pass

        par = timed(run_pool)
        print(f"dateline x{args.processes} proc : {len(texts) / par:8.1f} articles/s {chars / par:12,.0f} chars/s "
              f"(includes model loading in each worker)")


if __name__ == "__main__":
    main()
