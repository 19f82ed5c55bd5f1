"""Quotes (being written: see issue 3)."""
from spacy.language import Language
from spacy.tokens import Doc


@Language.component("dateline_quotes_v1", assigns=["doc._.dl_quotes"])
def quotes(doc: Doc) -> Doc:
    doc._.dl_quotes = []
    return doc
