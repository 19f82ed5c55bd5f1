"""Ingestion end to end (read, dedup, extract across processes, store, consolidate) against raw ``nlp.pipe``.

usage: python -m bench.bench_ingest [FOLDER] [--limit N] [--processes P] [--postgres URL] [--ceiling]

FOLDER defaults to the BBC folder of the evaluation data (../shared/eval/data/bbc; evaluation only, never
committed), else the bundled samples. The baseline is the bare spaCy model's single-process ``nlp.pipe``
over the same distinct texts, measured in the same run; the ratio is end-to-end articles/s (model loading
in the workers included) over baseline docs/s. The baseline is taken before and again after the ingests and
averaged, so a machine that got busier or quieter meanwhile shifts both sides alike. Target: ≥ 0.9 with
both cores. ``--postgres`` also ingests into that database — it is wiped first (downgrade to base), so give
it a scratch database. ``--ceiling`` also times extraction alone through the same process pool (no
dedup, store or consolidation): the most an ingest could reach on this machine, since two busy cores do not
each run as fast as one; each engine's ``store_share`` is the part of that ceiling its store costs. The last
line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import spacy

from app import migrate
from app.db import make_engine, make_sessionmaker
from app.extract.parallel import ExtractionPool
from app.extract.pipeline import ArticleInput, resolve_model_name
from app.ingest.runner import DUPLICATE, FAILED, NEAR_DUPLICATE, STORED, IngestRunner
from app.ingest.sources import Candidate, file_candidates, list_files
from app.keys import content_hash

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BBC = ROOT.parent / "shared" / "eval" / "data" / "bbc"


def read_candidates(folder: Path, limit: int | None) -> list[Candidate]:
    files = list(list_files([folder]))
    candidates = list(file_candidates(files[:limit] if limit else files))
    return candidates[:limit] if limit else candidates


def peak_mb() -> dict[str, float]:
    """Peak resident memory of this process and of the largest child (an extraction worker)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"main_mb": round(own, 1), "largest_worker_mb": round(child, 1)}


def baseline(texts: list[str]) -> float:
    """Docs/s of the bare model, one process, over the texts (model loading excluded)."""
    nlp = spacy.load(resolve_model_name())
    nlp.max_length = max(nlp.max_length, max(map(len, texts)) + 10)
    list(nlp.pipe(texts[:8]))  # warm-up
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    return len(texts) / (time.perf_counter() - start)


def extract_only(unique: list[Candidate], processes: int | None) -> dict[str, object]:
    """Extraction alone of the distinct texts through the ingest's process pool, model loading included."""
    items = [(c.label, ArticleInput(id=c.label, text=c.meta.text, title=c.meta.title, published=c.meta.published))
             for c in unique if c.meta]
    start = time.perf_counter()
    with ExtractionPool(processes) as pool:
        done = sum(1 for _ in pool.map(items))
        used = pool.processes
    seconds = time.perf_counter() - start
    return {"extracted": done, "seconds": round(seconds, 2), "articles_per_s": round(done / seconds, 2),
            "processes": used}


def ingest_into(url: str, candidates: list[Candidate], processes: int | None, fresh: bool) -> dict[str, object]:
    if fresh:
        migrate.downgrade(url, "base")
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        runner = IngestRunner(make_sessionmaker(engine), processes=processes)
        summary = runner.run(Candidate(c.label, meta=c.meta, error=c.error) for c in candidates)
    finally:
        engine.dispose()
    stored = summary.counts[STORED] + summary.counts[NEAR_DUPLICATE]
    return {
        "stored": stored, "near_duplicates": summary.counts[NEAR_DUPLICATE],
        "duplicates": summary.counts[DUPLICATE], "failed": summary.counts[FAILED],
        "seconds": round(summary.elapsed, 2), "articles_per_s": round(stored / summary.elapsed, 2),
        "processes": runner.pool.processes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    parser.add_argument("--processes", type=int, default=None, help="extraction processes (default: one per core)")
    parser.add_argument("--postgres", help="also ingest into this PostgreSQL URL (wiped first)")
    parser.add_argument("--ceiling", action="store_true", help="also time extraction alone through the same pool")
    args = parser.parse_args()
    folder = args.folder or (DEFAULT_BBC if DEFAULT_BBC.exists() else ROOT / "samples")
    candidates = read_candidates(folder, args.limit)
    first: dict[str, Candidate] = {}  # the first input of each text, the one an ingest stores
    for c in candidates:
        if c.meta:
            first.setdefault(content_hash(c.meta.text), c)
    unique = list(first.values())
    distinct = [c.meta.text for c in unique if c.meta]
    print(f"{len(candidates)} inputs from {folder}, {len(distinct)} distinct texts, "
          f"{sum(map(len, distinct)):,} characters", file=sys.stderr)

    before = baseline(distinct)
    print(f"baseline: raw nlp.pipe, 1 process: {before:.2f} docs/s", file=sys.stderr)
    runs: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        runs["sqlite"] = ingest_into(f"sqlite:///{tmp}/bench.db", candidates, args.processes, fresh=False)
    print(f"sqlite: {runs['sqlite']}", file=sys.stderr)
    if args.postgres:
        from app.settings import Settings

        runs["postgresql"] = ingest_into(Settings(database_url=args.postgres).database_url, candidates,
                                         args.processes, fresh=True)
        print(f"postgresql: {runs['postgresql']}", file=sys.stderr)
    if args.ceiling:
        runs["extract_only"] = extract_only(unique, args.processes)
        print(f"extraction alone: {runs['extract_only']}", file=sys.stderr)
    after = baseline(distinct)
    raw_rate = (before + after) / 2
    print(f"baseline again: {after:.2f} docs/s; mean {raw_rate:.2f}", file=sys.stderr)
    results: dict[str, object] = {"inputs": len(candidates), "distinct": len(distinct),
                                  "baseline_docs_per_s": [round(before, 2), round(after, 2)]}
    for engine, run in runs.items():
        run["ratio_to_raw"] = round(float(run["articles_per_s"]) / raw_rate, 3)  # type: ignore[arg-type]
        results[engine] = run
    if "extract_only" in runs:
        ceiling = float(runs["extract_only"]["articles_per_s"])  # type: ignore[arg-type]
        for engine in ("sqlite", "postgresql"):
            if engine in runs:
                runs[engine]["store_share"] = round(1 - float(runs[engine]["articles_per_s"]) / ceiling, 3)  # type: ignore[arg-type]
    results["peak_memory"] = peak_mb()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
