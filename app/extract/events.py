"""Events (being written: see issue 3)."""
from spacy.language import Language
from spacy.tokens import Doc


@Language.component("dateline_events_v1", assigns=["doc._.dl_events"])
def events(doc: Doc) -> Doc:
    doc._.dl_events = []
    return doc
