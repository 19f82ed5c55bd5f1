"""How far cross-article merging alone could take MEANTIME's cross-document score, from a kept database.

usage: python scripts/xdoc_ceiling.py DB [CORPUS_FOLDER]
  DB: a database kept by ``score_mt_xdoc.py --keep-db --db-dir DIR`` (DIR/airbus.db);
  CORPUS_FOLDER: default ../shared/eval/data/meantime/intra_cross-doc_annotation/corpus_airbus.
Needs ../shared beside the project (the scorer's own reader and metrics are imported from it); dev data only.

It scores set X (mentions of instances told by two or more articles) as the scorer does, then with every
mention that has an event of its own (the event's trigger inside the mention) put in its gold instance:
perfect merging of what extraction found, the rest mapped as before. A second line also gives every
mention whose head word the model tags as a noun an event of its own, perfectly merged: what extracting
every nominal event as well would add. What remains are the mentions extraction does not make into
events by design (adjectives such as 'fuel efficient', copulas, stative verbs), listed with their
part of speech.
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval"
sys.path.insert(0, str(EVAL))
sys.path.insert(0, str(ROOT))

import score_mt_xdoc as scorer  # noqa: E402

from app.extract.pipeline import resolve_model_name  # noqa: E402

DEFAULT = EVAL / "data" / "meantime" / "intra_cross-doc_annotation" / "corpus_airbus"


def head_pos(nlp: spacy.language.Language, doc: dict, mention: dict) -> str:
    """The part of speech of the mention's last word, tagged in its sentence."""
    start, end = doc["spans"][mention["sentence"]]
    parsed = nlp(doc["text"][start:end])
    inside = [t for t in parsed if start + t.idx < mention["end"] and start + t.idx + len(t) > mention["start"]]
    return inside[-1].pos_ if inside else "?"


def conll(ments: list[dict], labels: list[object]) -> float:
    gold = [m["instance"] for m in ments]
    return scorer.figures(scorer.evaluate(ments, gold, labels))["conll"]


def main() -> None:
    db = Path(sys.argv[1])
    docs = scorer.load_corpus(Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT)
    by_id = {d["id"]: d for d in docs}
    sources, _ = scorer.read_db(db, docs)
    mapped = scorer.map_mentions(docs, sources)
    ments = scorer.gold_sets(docs)["X"]
    nlp = spacy.load(resolve_model_name())
    rows = [(m, mapped[(m["doc"], m["m_id"])], head_pos(nlp, by_id[m["doc"]], m)) for m in ments]

    def as_mapped(i: int, event: object) -> object:
        return event if event is not None else f"alone-{i}"
    system = [as_mapped(i, ev) for i, (_, (ev, _, _), _) in enumerate(rows)]
    merged = [m["instance"] if how == "trigger" else as_mapped(i, ev) for i, (m, (ev, how, _), _) in enumerate(rows)]
    nominal = [m["instance"] if how == "trigger" or pos in ("NOUN", "PROPN") else as_mapped(i, ev)
               for i, (m, (ev, how, _), pos) in enumerate(rows)]
    lemma = [scorer.head_stem(m) for m in ments]
    print(f"set X: {len(ments)} mentions of {len({m['instance'] for m in ments})} instances")
    print(f"system as stored:                                  CoNLL F1 {conll(ments, system):.3f}")
    print(f"perfect merging of the events extracted:           CoNLL F1 {conll(ments, merged):.3f}")
    print(f"... and every nominal mention an event, merged:    CoNLL F1 {conll(ments, nominal):.3f}")
    print(f"same-lemma baseline:                               CoNLL F1 {conll(ments, lemma):.3f}")
    print("mentions without an event of their own (part of speech, text, gold instance):")
    for m, (_, how, _), pos in rows:
        if how != "trigger":
            print(f"  {pos:5} {m['text']!r:22} {m['instance_name'] or m['instance']}")


if __name__ == "__main__":
    main()
