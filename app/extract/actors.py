"""Actors (being written: see issue 3)."""
from spacy.language import Language
from spacy.tokens import Doc


@Language.component("dateline_actors_v1", requires=["doc.ents"], assigns=["doc._.dl_actors"])
def actors(doc: Doc) -> Doc:
    doc._.dl_actors = []
    return doc
