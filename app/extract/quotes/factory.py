"""The spaCy factory ``dateline_quotes_v1``: fills ``doc._.dl_quotes`` with ``records.Quote``.

Candidates (candidates.py) get their speaker resolved to an actor (attribution.py) and a date: the
nearest day-precise time expression in the cue's sentence, else the publication date. Resolved pronoun
speakers are added to their actor's mentions in ``doc._.dl_actors``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from spacy.language import Language
from spacy.tokens import Doc

from app.extract.actors import actor_index
from app.extract.article import ArticleLayout
from app.extract.quotes.attribution import SpeakerResolver, SpeakerSpan
from app.extract.quotes.candidates import Cand, find_candidates
from app.extract.quotes.lexicon import SPEECH
from app.extract.quotes.settings import DEFAULT_SETTINGS, QuoteSettings
from app.extract.records import Quote, Timex

log = logging.getLogger(__name__)

if not Doc.has_extension("dl_quotes"):
    Doc.set_extension("dl_quotes", default=None)

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class QuoteFinder:
    """The pipeline component; holds its settings."""

    def __init__(self, settings: QuoteSettings) -> None:
        self.settings = settings

    def __call__(self, doc: Doc) -> Doc:
        try:
            doc._.dl_quotes = extract_quotes(doc, self.settings)
        except Exception:  # never let one odd article take the pipeline down
            log.exception("quote extraction failed; no quotes for this document")
            doc._.dl_quotes = []
        return doc


@Language.factory(
    "dateline_quotes_v1",
    default_config=DEFAULT_SETTINGS.as_config(),
    requires=["doc._.dl_actor_index", "doc._.dl_timexes", "doc._.dl_published", "doc._.dl_layout",
              "doc._.dl_original", "token.dep", "token.pos", "token.tag", "token.lemma", "token.ent_type",
              "token.is_sent_start"],
    assigns=["doc._.dl_quotes", "doc._.dl_actors"],
)
def make_quote_finder(
    nlp: Language, name: str, max_quote_chars: int, max_speaker_tokens: int, climb_steps: int,
    generic_ccomp: bool, generic_object: bool, min_content_chars: int, min_orphan_words: int,
    orphan_paras: int, split_gap_chars: int, pronoun_window: int, pronoun_candidates: int,
    add_pronoun_mentions: bool,
) -> QuoteFinder:
    return QuoteFinder(QuoteSettings(
        max_quote_chars=max_quote_chars, max_speaker_tokens=max_speaker_tokens, climb_steps=climb_steps,
        generic_ccomp=generic_ccomp, generic_object=generic_object, min_content_chars=min_content_chars,
        min_orphan_words=min_orphan_words, orphan_paras=orphan_paras, split_gap_chars=split_gap_chars,
        pronoun_window=pronoun_window, pronoun_candidates=pronoun_candidates,
        add_pronoun_mentions=add_pronoun_mentions,
    ))


def extract_quotes(doc: Doc, settings: QuoteSettings = DEFAULT_SETTINGS) -> list[Quote]:
    """The quotes of a parsed doc (with actors, time expressions and layout already set)."""
    original = doc._.dl_original
    doc_text = doc.text
    text = original if isinstance(original, str) and len(original) == len(doc_text) else doc_text
    if not doc_text.strip():
        return []
    cands = find_candidates(doc, text, settings)
    resolver = SpeakerResolver(doc, actor_index(doc), settings)
    timexes = sorted(doc._.dl_timexes or [], key=lambda t: t.start)
    published = doc._.dl_published
    layout = doc._.dl_layout
    out: list[Quote] = []
    for c in cands:
        if not (0 <= c.start < c.end <= len(text)):
            continue
        if layout is not None and _on_furniture(doc, layout, c):
            continue
        out.append(_quote(c, text, resolver, _date(doc, c, timexes, published)))
    return out


def _speaker_chars(c: Cand, text: str) -> tuple[int, int] | None:
    """The candidate's speaker span without surrounding blanks, or None when it has no usable one."""
    ss, se = c.spk_start, c.spk_end
    if ss is None or se is None or not (0 <= ss < se <= len(text)):
        return None
    while ss < se and text[ss].isspace():
        ss += 1
    while se > ss and text[se - 1].isspace():
        se -= 1
    return (ss, se) if ss < se else None


def _quote(c: Cand, text: str, resolver: SpeakerResolver, date: str | None) -> Quote:
    speaker = None
    spk_text = ""
    chars = _speaker_chars(c, text)
    if chars is not None:
        spk_text = text[chars[0]:chars[1]]
        span = SpeakerSpan(chars[0], chars[1], c.spk_head, c.antecedent)
        speaker = resolver.resolve(span, spk_text, c.inherited)
    return Quote(
        speaker=speaker, speaker_text=spk_text, text=text[c.start:c.end],
        kind=c.kind if c.kind in ("direct", "indirect") else "direct",
        cue=c.cue, start=c.start, end=c.end, date=date,
        speaker_start=chars[0] if chars else None, speaker_end=chars[1] if chars else None,
    )


def _date(doc: Doc, c: Cand, timexes: list[Timex], published: dt.date | None) -> str | None:
    """The day-precise time expression nearest the cue in its sentence (not one inside the reported
    content), else the publication date."""
    tok = c.cue_tok if c.cue_tok >= 0 else c.date_tok
    if tok >= 0 and timexes:
        sent = doc[tok].sent
        ss, se = sent.start_char, sent.end_char
        cue_pos = doc[tok].idx
        best: tuple[int, str] | None = None
        for tx in timexes:
            if tx.start >= se:
                break
            if tx.end <= ss or not _DAY.match(tx.value or ""):
                continue
            if c.start <= tx.start < c.end and c.kind == "direct":
                continue
            if c.start <= tx.start < c.end and not (c.start <= cue_pos < c.end):
                continue  # a date inside the reported content dates the content, not the saying
            d = abs(tx.start - cue_pos)
            if best is None or d < best[0]:
                best = (d, tx.value)
        if best is not None:
            return best[1]
    return published.isoformat() if published else None


def _on_furniture(doc: Doc, layout: ArticleLayout, c: Cand) -> bool:
    """Nothing spans the dateline, image markers or photo credits; a headline reports speech only
    with a speech verb ('X says …'), not with any verb that has an object ('Russia staged talks')."""
    if layout.in_blanked(c.start, c.end):
        return True
    title = layout.title_span
    if c.kind != "indirect" or title is None or not (c.start < title[1] and title[0] < c.end):
        return False
    return not (0 <= c.cue_tok < len(doc) and doc[c.cue_tok].lemma_.lower() in SPEECH)
