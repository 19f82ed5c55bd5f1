"""Quotes: who said what, direct and indirect, attributed to a speaker and dated.

``dateline_quotes_v1`` fills ``doc._.dl_quotes`` with ``records.Quote``. Finding the quotes lives in
quotes_core.py (marks in quotes_marks.py, cue lexicon in quotes_lexicon.py); this module resolves
speakers to actors (with a small recency/subject-position resolver for pronouns) and dates each quote.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from app.extract.quotes_core import Cand, find_candidates
from app.extract.quotes_gender import GenderVotes, collect, pronoun_gender
from app.extract.quotes_lexicon import PERSONAL_PRONOUNS, RELATIVE_PRONOUNS, SPEECH
from app.extract.records import Mention, Quote

log = logging.getLogger(__name__)

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Add the resolved pronoun ("he said") as a mention of the actor it stands for (coreference).
ADD_PRONOUN_MENTIONS = True
PRONOUN_WINDOW = 1500  # chars to look back for an antecedent


@Language.component(
    "dateline_quotes_v1",
    requires=["doc._.dl_actors", "doc._.dl_timexes"],
    assigns=["doc._.dl_quotes"],
)
def quotes(doc: Doc) -> Doc:
    try:
        doc._.dl_quotes = extract_quotes(doc)
    except Exception:  # never let one odd article take the pipeline down
        log.exception("quote extraction failed; no quotes for this document")
        doc._.dl_quotes = []
    return doc


class Resolver:
    """Speaker span -> actor id, using the actors component's mention spans."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.actors = {a.id: a for a in (doc._.dl_actors or [])}
        spans = sorted(doc._.dl_actor_spans or [])
        self.spans = spans
        self.starts = [s for s, _, _ in spans]
        self.last_speaker: tuple[int, str] | None = None
        self._names: dict[str, str] | None = None  # (char, actor id) of the last person speaker
        self._gender: GenderVotes | None = None

    @property
    def gender(self) -> GenderVotes:
        if self._gender is None:
            person = {a.id for a in self.actors.values() if a.kind == "person"}
            self._gender = collect(self.doc, self.spans, person)
        return self._gender

    def kind(self, aid: str) -> str:
        a = self.actors.get(aid)
        return a.kind if a is not None else ""

    def overlapping(self, s: int, e: int) -> list[tuple[int, int, str]]:
        i = bisect_left(self.starts, s - 200)
        out = []
        for j in range(max(0, i), len(self.spans)):
            a, b, aid = self.spans[j]
            if a >= e:
                break
            if b > s:
                out.append((a, b, aid))
        return out

    def by_name(self, head: int) -> str | None:
        """A surname the actors component did not mark: the person whose name ends with it."""
        if head < 0 or not self.doc[head].text[:1].isupper():
            return None
        word = self.doc[head].text
        if self._names is None:
            self._names = {}
            for a in self.actors.values():
                if a.kind == "person":
                    for form in [a.name, *a.aliases]:
                        self._names.setdefault(form.split()[-1] if form.split() else form, a.id)
        return self._names.get(word)

    def for_span(self, s: int, e: int, head: int) -> str | None:
        hits = self.overlapping(s, e)
        if not hits:
            return self.by_name(head)
        if head >= 0:
            t = self.doc[head]
            hs, he = t.idx, t.idx + len(t.text)
            on_head = [h for h in hits if h[0] < he and hs < h[1]]
            if on_head:
                return on_head[-1][2]
        # no mention on the head ("US officials"): only a mention covering most of the span counts
        best = max(hits, key=lambda h: min(h[1], e) - max(h[0], s))
        if (min(best[1], e) - max(best[0], s)) >= 0.6 * (e - s):
            return best[2]
        return self.by_name(head)

    def pronoun(self, s: int, plural: bool, kinds: tuple[str, ...] = (), gender: str | None = None) -> str | None:
        """Most recent compatible actor before s (agreeing in gender when that is known), preferring
        sentence subjects."""
        i = bisect_right(self.starts, s) - 1
        doc = self.doc
        fallback = None
        seen = 0
        while i >= 0 and seen < 40:
            a, b, aid = self.spans[i]
            i -= 1
            if a >= s or b > s:
                continue
            if s - a > PRONOUN_WINDOW:
                break
            kind = self.kind(aid)
            ok = kind in kinds if kinds else (kind in ("organization", "group", "country") if plural else kind == "person")
            if not ok or (gender and self.gender.of(aid) not in (None, gender)):
                continue
            seen += 1
            if fallback is None:
                fallback = aid
            tok = doc.char_span(a, b, alignment_mode="expand")
            if tok is not None and any(t.dep_ in ("nsubj", "nsubjpass") for t in tok):
                # a subject in an earlier sentence, or in the same sentence
                return aid
        if not plural and self.last_speaker and s - self.last_speaker[0] < PRONOUN_WINDOW and fallback is None \
                and not (gender and self.gender.of(self.last_speaker[1]) not in (None, gender)):
            return self.last_speaker[1]
        return fallback


def _date(doc: Doc, c: Cand, timexes, published) -> str | None:
    tok = c.cue_tok if c.cue_tok >= 0 else c.date_tok
    if tok >= 0 and timexes:
        sent = doc[tok].sent
        ss, se = sent.start_char, sent.end_char
        cue_pos = doc[tok].idx
        best = None
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


def extract_quotes(doc: Doc) -> list[Quote]:
    text = doc._.dl_original if isinstance(doc._.dl_original, str) and len(doc._.dl_original) == len(doc.text) else doc.text
    if not doc.text.strip():
        return []
    cands = find_candidates(doc, text)
    res = Resolver(doc)
    timexes = sorted(doc._.dl_timexes or [], key=lambda t: t.start)
    published = doc._.dl_published
    out: list[Quote] = []
    layout = doc._.dl_layout
    for c in cands:
        if not (0 <= c.start < c.end <= len(text)):
            continue
        if layout is not None and _on_furniture(doc, layout, c):
            continue
        speaker = None
        spk_text = ""
        ss, se = c.spk_start, c.spk_end
        if ss is not None and se is not None and 0 <= ss < se <= len(text):
            while ss < se and text[ss].isspace():
                ss += 1
            while se > ss and text[se - 1].isspace():
                se -= 1
        if ss is not None and se is not None and 0 <= ss < se <= len(text):
            spk_text = text[ss:se]
            low = spk_text.lower()
            if low in RELATIVE_PRONOUNS and c.antecedent >= 0:
                t = doc[c.antecedent]
                speaker = res.for_span(t.idx, t.idx + len(t.text), c.antecedent)
                while speaker is None and t.dep_ == "appos" and t.head.i != t.i:
                    t = t.head  # "McConnell, the majority leader, who said …"
                    speaker = res.for_span(t.idx, t.idx + len(t.text), t.i)
                if speaker is not None:
                    _add_mention(res, speaker, ss, se, spk_text)
            elif low in PERSONAL_PRONOUNS:
                if low in ("he", "she", "him", "her"):
                    g = pronoun_gender(low)
                    speaker = res.pronoun(ss, plural=False, gender=g)
                    if speaker is not None and g:
                        res.gender.add(speaker, g)
                elif low in ("they", "them"):
                    speaker = res.pronoun(ss, plural=True)
                elif low == "it":
                    speaker = res.pronoun(ss, plural=False, kinds=("organization", "country"))
                if speaker is not None and not c.inherited:
                    _add_mention(res, speaker, ss, se, spk_text)
                    _same_sentence_pronouns(res, speaker, ss, low)
            else:
                speaker = res.for_span(ss, se, c.spk_head)
            if speaker is not None and res.kind(speaker) == "person":
                res.last_speaker = (ss, speaker)
        else:
            ss = se = None
        out.append(Quote(
            speaker=speaker, speaker_text=spk_text, text=text[c.start:c.end], kind=c.kind if c.kind in ("direct", "indirect") else "direct",
            cue=c.cue, start=c.start, end=c.end, date=_date(doc, c, timexes, published),
            speaker_start=ss, speaker_end=se,
        ))
    return out


def _on_furniture(doc: Doc, layout, c: Cand) -> bool:
    """Nothing spans the dateline, image markers or photo credits; a headline reports speech only
    with a speech verb ('X says …'), not with any verb that has an object ('Russia staged talks')."""
    if layout.in_blanked(c.start, c.end):
        return True
    title = layout.title_span
    if c.kind != "indirect" or title is None or not (c.start < title[1] and title[0] < c.end):
        return False
    return not (0 <= c.cue_tok < len(doc) and doc[c.cue_tok].lemma_.lower() in SPEECH)


def _add_mention(res: Resolver, aid: str, s: int, e: int, text: str) -> None:
    if not ADD_PRONOUN_MENTIONS:
        return
    actor = res.actors.get(aid)
    if actor is None or any(m.start == s and m.end == e for m in actor.mentions):
        return
    actor.mentions.append(Mention(s, e, text))
    actor.mentions.sort(key=lambda m: m.start)


_FAMILY = {"he": "he him his", "him": "he him his", "she": "she her", "her": "she her",
           "they": "they them their", "them": "they them their", "it": "it its"}


def _same_sentence_pronouns(res: Resolver, aid: str, s: int, low: str) -> None:
    """`She said she …`: earlier pronouns of the same form in the speaker's sentence, with no other
    actor mentioned in between, stand for the same actor."""
    forms = _FAMILY.get(low)
    if not forms or not ADD_PRONOUN_MENTIONS:
        return
    doc = res.doc
    span = doc.char_span(s, s + len(low), alignment_mode="expand")
    if span is None:
        return
    sent = span[0].sent
    lo = sent.start_char
    between = [h for h in res.overlapping(lo, s) if h[2] != aid and h[1] <= s]
    last_other = max((h[1] for h in between), default=-1)
    for t in doc[sent.start:span[0].i]:
        if t.idx >= last_other and t.lower_ in forms.split() and t.pos_ == "PRON":
            _add_mention(res, aid, t.idx, t.idx + len(t.text), t.text)
