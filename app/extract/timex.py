"""Time expressions and their TIMEX3 values (being written: see issue 3)."""
from spacy.language import Language
from spacy.tokens import Doc


@Language.component("dateline_pubdate_v1", assigns=["doc._.dl_published"])
def pubdate(doc: Doc) -> Doc:
    return doc


@Language.component("dateline_timex_v1", assigns=["doc._.dl_timexes"])
def timexes(doc: Doc) -> Doc:
    doc._.dl_timexes = []
    return doc
