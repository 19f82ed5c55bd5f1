"""Who said it: the speaker span of a cue and the actor that span stands for.

Speaker spans come from the parse (a cue verb's subject, a passive by-agent, the source of
`according to`, the subject of a governing clause, a name after the cue) or from the text (dash
bylines, transcript labels). ``SpeakerResolver`` turns a span into an actor id: a mention on its head,
a bare surname, or for pronouns a recency/subject-position search that agrees in gender.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from app.extract.actors.index import ActorIndex
from app.extract.actors.lexicon import REFERENCE_NOUNS
from app.extract.quotes.gender import GenderVotes, collect, pronoun_gender
from app.extract.quotes.lexicon import (
    NOT_INNER_LABELS,
    PERSONAL_PRONOUNS,
    PLURAL_PRONOUNS,
    PRONOUN_FORMS,
    RELATIVE_PRONOUNS,
)
from app.extract.quotes.settings import QuoteSettings
from app.extract.records import Actor, Mention

SUBJECT_DEPS = ("nsubj", "nsubjpass")
# Dependencies through which a cue without its own subject borrows the subject of the clause above it:
# "began by saying", "In defending himself, X offered", "is determined to warn", "decided against recommending".
CLIMB_DEPS = frozenset("xcomp advcl conj pcomp prep pobj acomp".split())
_HOLDER_POS = ("PROPN", "PRON")
MENTION_LOOKBACK = 200  # chars: no mention starting further before a span can overlap it
HEAD_COVER = 0.6  # with no mention on the head, one covering this share of the span still names it


def token_end(t: Token) -> int:
    """The char offset just after a token."""
    return t.idx + len(t.text)


@dataclass(frozen=True, slots=True)
class SpeakerSpan:
    """A speaker found in the parse: its char span, head token and (for `who`/`which`) antecedent token."""

    start: int
    end: int
    head: int
    antecedent: int = -1


# ---------------------------------------------------------------- speaker spans from the parse

def speaker_span(tok: Token, max_tokens: int) -> tuple[int, int]:
    """Char span of a speaker noun phrase: its subtree, cut before relative clauses and long tails."""
    left, right = tok.left_edge.i, tok.right_edge.i
    for child in tok.rights:
        if child.dep_ in ("relcl", "acl") or (child.dep_ == "punct" and child.text in "(["):
            right = min(right, child.left_edge.i - 1)
            break
    right = min(right, left + max_tokens - 1)
    doc = tok.doc
    while right > left and doc[right].is_punct:
        right -= 1
    while left < right and doc[left].is_punct:
        left += 1
    return doc[left].idx, token_end(doc[right])


def passive_agent(cue: Token) -> Token | None:
    """`was first reported by the agency` -> agency (the agent, not the passive subject)."""
    for child in cue.children:
        if child.dep_ == "agent":
            return next((ch for ch in child.children if ch.dep_ == "pobj"), None)
    return None


def climbed_subject(cue: Token, steps: int) -> Token | None:
    """The subject of a governing clause, or the possessor of a governing noun (`Mr. Lee's record on
    promoting …`), for a cue that has no subject of its own."""
    t = cue
    for _ in range(steps):
        if t.dep_ not in CLIMB_DEPS:
            return None
        h = t.head
        if h.i == t.i:
            return None
        if h.pos_ in ("NOUN", "PROPN"):
            poss = next((ch for ch in h.children if ch.dep_ == "poss"), None)
            if poss is not None and t.dep_ in ("prep", "acl") and (poss.pos_ in _HOLDER_POS or poss.ent_type_):
                return poss
            if t.dep_ not in ("pcomp", "pobj"):
                return None
        t = h
        subj = next((ch for ch in t.children if ch.dep_ in SUBJECT_DEPS), None)
        if subj is not None and t.pos_ in ("VERB", "AUX"):
            return subj
    return None


def _nsubj(verb: Token) -> Token | None:
    return next((ch for ch in verb.children if ch.dep_ == "nsubj"), None)


def subject_of(cue: Token, climb_steps: int) -> Token | None:
    """Who performs the cue: by-agent, own subject, a coordinated or governing verb's subject, the noun a
    gerund modifies, else a subject reached by climbing the parse."""
    agent = passive_agent(cue)
    if agent is not None:
        return agent
    own = next((ch for ch in cue.children if ch.dep_ in SUBJECT_DEPS), None)
    if own is not None:
        return own
    head = cue.head
    # "X has said", coordinated verbs: "X smiled and said ..."
    if cue.dep_ == "conj" and head.pos_ in ("VERB", "AUX") and (subj := _nsubj(head)) is not None:
        return subj
    if cue.dep_ in ("xcomp", "advcl", "conj") and head.pos_ in ("VERB", "AUX") and head.i != cue.i:
        if (subj := _nsubj(head)) is not None:
            return subj
        if head.dep_ == "conj" and head.head.pos_ in ("VERB", "AUX") and (subj := _nsubj(head.head)) is not None:
            return subj
    if cue.dep_ == "acl" and head.pos_ in ("PROPN", "NOUN") and cue.tag_ == "VBG":
        return head  # "Trump, speaking at a rally, …" / "a statement saying …"
    return climbed_subject(cue, climb_steps)


def according_to_source(cue: Token) -> Token | None:
    """`according to the police` -> police (the object of `to`)."""
    doc = cue.doc
    to = next((ch for ch in cue.children if ch.lower_ == "to"), None)
    if to is None and cue.i + 1 < len(doc) and doc[cue.i + 1].lower_ == "to":
        to = doc[cue.i + 1]
    return next((ch for ch in to.children if ch.dep_ == "pobj"), None) if to is not None else None


def _name_after(cue: Token) -> Token | None:
    """`said Andrew Lohsen` parsed without nsubj: the last of the proper nouns right after the cue."""
    doc = cue.doc
    j = cue.i + 1
    if j >= len(doc) or doc[j].pos_ != "PROPN":
        return None
    while j + 1 < len(doc) and doc[j + 1].pos_ == "PROPN":
        j += 1
    return doc[j]


def speaker_of(cue: Token, settings: QuoteSettings) -> SpeakerSpan | None:
    """The speaker span of a cue verb (or of `according`), or None when the parse names nobody."""
    subj = according_to_source(cue) if cue.lower_ == "according" else subject_of(cue, settings.climb_steps)
    if subj is None:
        subj = _name_after(cue)
    if subj is None:
        return None
    start, end = speaker_span(subj, settings.max_speaker_tokens)
    antecedent = -1
    if subj.lower_ in RELATIVE_PRONOUNS and subj.head.dep_ == "relcl":
        antecedent = subj.head.head.i
    return SpeakerSpan(start, end, subj.i, antecedent)


def cue_text(cue: Token) -> str:
    """The cue verb with its particle, or `according to`."""
    doc = cue.doc
    if cue.lower_ == "according" and cue.i + 1 < len(doc):
        return doc[cue.i].text + " " + doc[cue.i + 1].text
    parts = [cue.text]
    for child in cue.rights:
        if child.dep_ == "prt":
            parts.append(child.text)
    return " ".join(parts)


def speaker_between(doc: Doc, first: int, cue: Token, max_tokens: int) -> tuple[int, int, int] | None:
    """`“…,” the city's lawyer said` / `“…,” said Ann Lee, a spokeswoman`: the words between the closing
    mark and the cue, else the noun phrase right after the cue. Returns (start, end, head token)."""
    k = first
    while k < cue.i and (doc[k].is_punct or doc[k].is_space):
        k += 1
    if k < cue.i:
        right = cue.i - 1
        while right > k and (doc[right].pos_ in ("AUX", "ADV", "PART") or doc[right].is_punct):
            right -= 1
        return doc[k].idx, token_end(doc[right]), right
    j, end = cue.i + 1, cue.i + 1
    while end < len(doc) and end - j < max_tokens and not doc[end].is_punct \
            and doc[end].pos_ in ("PROPN", "NOUN", "DET", "ADJ"):
        end += 1
    if end > j:
        return doc[j].idx, token_end(doc[end - 1]), end - 1
    return None


def name_verb_after(doc: Doc, first: int) -> tuple[Token, Token] | None:
    """`“Go back,” Lee barked` / `“…” Lee, the group's head, tweeted`: a proper name right after the
    closing mark followed by any verb. Returns (name head, verb)."""
    n = len(doc)
    k = first
    while k < n and doc[k].is_punct and doc[k].text[:1] not in "“\"":
        k += 1
    if k >= n or doc[k].pos_ != "PROPN" or "\n" in doc[k - 1].whitespace_:
        return None
    while k + 1 < n and doc[k + 1].pos_ == "PROPN" and "\n" not in doc[k].whitespace_:
        k += 1
    head = doc[k]
    j = k + 1
    if j < n and doc[j].text == ",":  # an apposition closed by a comma
        close = next((x for x in range(j + 1, min(j + 16, n)) if doc[x].text == "," or "\n" in doc[x].text), None)
        if close is None or doc[close].text != ",":
            return None
        j = close + 1
    while j < n and doc[j].pos_ in ("ADV", "AUX", "PART"):
        j += 1
    if j < n and doc[j].pos_ == "VERB" and doc[j].tag_ in ("VBD", "VBZ", "VBP", "VBN"):
        return head, doc[j]
    return None


# ---------------------------------------------------------------- speaker spans from the text

# `” ― Karen Smith` / `”— Lena Park.`: a dash and a capitalised name right after the closing mark.
_DASH_BYLINE = re.compile(
    r"[ \t\u00a0]*[\u2015\u2014\u2013]-?[ \t\u00a0]*"
    r"([A-Z][\w.'\u2019\-]*(?:[ \t\u00a0]+(?:[A-Z][\w.'\u2019\-]*|de|van|von|da|del|la)){0,4})"
    r"(?=[ \t\u00a0]*(?:[.,|\n]|$))"
)


def dash_byline(text: str, after: int) -> tuple[int, int] | None:
    """The char span of a dash byline starting at ``after`` (just past a closing mark)."""
    m = _DASH_BYLINE.match(text, after)
    if m is None:
        return None
    s, e = m.start(1), m.end(1)
    last = text[s:e].split()[-1]
    if last.endswith(".") and len(last) > 2:  # the sentence's full stop, not an initial ("Edwin G.")
        e -= 1
    return s, e


# `"WALLACE: Let's start …` -- an upper-case speaker label opening the quoted text itself.
_INNER_LABEL = re.compile(r"((?:[A-Z][A-Z.'\-]+)(?: [A-Z][A-Z.'\-]+){0,2}):[ \t]")


def inner_label(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The char span of an upper-case speaker label opening the quoted text [start, end)."""
    m = _INNER_LABEL.match(text, start)
    if m is None or m.end() >= end or len(m.group(1)) < 2 or m.group(1).lower() in NOT_INNER_LABELS:
        return None
    return m.start(1), m.end(1)


# ---------------------------------------------------------------- speaker span -> actor

class SpeakerResolver:
    """Speaker span -> actor id, using the actors component's mention spans; remembers the last person
    speaker and gathers gender evidence as pronouns resolve."""

    def __init__(self, doc: Doc, index: ActorIndex, settings: QuoteSettings) -> None:
        self.doc = doc
        self.index = index
        self.settings = settings
        self.actors: dict[str, Actor] = {a.id: a for a in index.actors}
        self.starts = [s for s, _, _ in index.spans]
        self.last_speaker: tuple[int, str] | None = None  # (char, actor id) of the last person speaker
        self._surnames: dict[str, str] | None = None
        self._gender: GenderVotes | None = None

    @property
    def gender(self) -> GenderVotes:
        if self._gender is None:
            self._gender = collect(self.doc, self.index)
        return self._gender

    def resolve(self, span: SpeakerSpan, text: str, inherited: bool) -> str | None:
        """The actor the speaker ``text`` at ``span`` stands for; a resolved pronoun of a quote's own
        attribution (not ``inherited``) becomes a mention of that actor."""
        low = text.lower()
        speaker: str | None
        if low in RELATIVE_PRONOUNS and span.antecedent >= 0:
            speaker = self._relative(span.antecedent)
            if speaker is not None:
                self._add_mention(speaker, span.start, span.end, text)
        elif low in PERSONAL_PRONOUNS:
            speaker = self._personal(span.start, low)
            if speaker is not None and not inherited:
                self._add_mention(speaker, span.start, span.end, text)
                self._same_sentence_pronouns(speaker, span.start, low)
        else:
            speaker = self.for_span(span.start, span.end, span.head)
        if speaker is not None and self.index.kind(speaker) == "person":
            self.last_speaker = (span.start, speaker)
        return speaker

    def _relative(self, antecedent: int) -> str | None:
        t = self.doc[antecedent]
        speaker = self.for_span(t.idx, token_end(t), antecedent)
        while speaker is None and t.dep_ == "appos" and t.head.i != t.i:
            t = t.head  # "McConnell, the majority leader, who said …"
            speaker = self.for_span(t.idx, token_end(t), t.i)
        return speaker

    def _personal(self, start: int, low: str) -> str | None:
        gender = pronoun_gender(low)
        if gender is not None:
            speaker = self.pronoun(start, plural=False, gender=gender)
            if speaker is not None:
                self.gender.add(speaker, gender)
            return speaker
        if low in PLURAL_PRONOUNS:
            return self.pronoun(start, plural=True)
        if low == "it":
            return self.pronoun(start, plural=False, kinds=("organization", "country"))
        return None

    def overlapping(self, s: int, e: int) -> list[tuple[int, int, str]]:
        """Mention spans overlapping [s, e)."""
        spans = self.index.spans
        out = []
        for j in range(max(0, bisect_left(self.starts, s - MENTION_LOOKBACK)), len(spans)):
            a, b, aid = spans[j]
            if a >= e:
                break
            if b > s:
                out.append((a, b, aid))
        return out

    def by_name(self, head: int) -> str | None:
        """A surname the actors component did not mark: the person whose name ends with it."""
        if head < 0 or not self.doc[head].text[:1].isupper():
            return None
        if self._surnames is None:
            self._surnames = {}
            for a in self.actors.values():
                if a.kind == "person":
                    for form in [a.name, *a.aliases]:
                        self._surnames.setdefault(form.split()[-1] if form.split() else form, a.id)
        return self._surnames.get(self.doc[head].text)

    def _definite(self, s: int, head: int) -> str | None:
        """"the company said": a definite organisation or country noun stands for the one named last before it."""
        if head < 0:
            return None
        t = self.doc[head]
        kind = REFERENCE_NOUNS.get(t.lemma_.lower())
        if kind not in ("organization", "country") or not any(c.dep_ == "det" and c.lower_ == "the" for c in t.children):
            return None
        return self.pronoun(s, plural=False, kinds=(kind,))

    def for_span(self, s: int, e: int, head: int) -> str | None:
        """The actor a speaker noun phrase names: a mention on its head, else one covering most of it."""
        hits = self.overlapping(s, e)
        if not hits:
            return self.by_name(head) or self._definite(s, head)
        if head >= 0:
            t = self.doc[head]
            hs, he = t.idx, token_end(t)
            on_head = [h for h in hits if h[0] < he and hs < h[1]]
            if on_head:
                return on_head[-1][2]
        # no mention on the head ("US officials"): only a mention covering most of the span counts
        best = max(hits, key=lambda h: min(h[1], e) - max(h[0], s))
        if (min(best[1], e) - max(best[0], s)) >= HEAD_COVER * (e - s):
            return best[2]
        return self.by_name(head)

    def _compatible(self, aid: str, plural: bool, kinds: tuple[str, ...], gender: str | None) -> bool:
        kind = self.index.kind(aid)
        ok = kind in kinds if kinds else (kind in ("organization", "group", "country") if plural else kind == "person")
        return ok and not (gender and self.gender.of(aid) not in (None, gender))

    def pronoun(self, s: int, plural: bool, kinds: tuple[str, ...] = (), gender: str | None = None) -> str | None:
        """Most recent compatible actor before s (agreeing in gender when that is known), preferring
        sentence subjects."""
        window = self.settings.pronoun_window
        spans = self.index.spans
        i = bisect_right(self.starts, s) - 1
        fallback = None
        seen = 0
        while i >= 0 and seen < self.settings.pronoun_candidates:
            a, b, aid = spans[i]
            i -= 1
            if a >= s or b > s:
                continue
            if s - a > window:
                break
            if not self._compatible(aid, plural, kinds, gender):
                continue
            seen += 1
            if fallback is None:
                fallback = aid
            tok = self.doc.char_span(a, b, alignment_mode="expand")
            if tok is not None and any(t.dep_ in SUBJECT_DEPS for t in tok):
                # a subject in an earlier sentence, or in the same sentence
                return aid
        last = self.last_speaker
        if not plural and last and s - last[0] < window and fallback is None \
                and not (gender and self.gender.of(last[1]) not in (None, gender)):
            return last[1]
        return fallback

    def _add_mention(self, aid: str, s: int, e: int, text: str) -> None:
        if not self.settings.add_pronoun_mentions:
            return
        actor = self.actors.get(aid)
        if actor is None or any(m.start == s and m.end == e for m in actor.mentions):
            return
        actor.mentions.append(Mention(s, e, text))
        actor.mentions.sort(key=lambda m: m.start)

    def _same_sentence_pronouns(self, aid: str, s: int, low: str) -> None:
        """`She said she …`: earlier pronouns of the same form in the speaker's sentence, with no other
        actor mentioned in between, stand for the same actor."""
        forms = PRONOUN_FORMS.get(low)
        if not forms or not self.settings.add_pronoun_mentions:
            return
        doc = self.doc
        span = doc.char_span(s, s + len(low), alignment_mode="expand")
        if span is None:
            return
        sent = span[0].sent
        between = [h for h in self.overlapping(sent.start_char, s) if h[2] != aid and h[1] <= s]
        last_other = max((h[1] for h in between), default=-1)
        for t in doc[sent.start:span[0].i]:
            if t.idx >= last_other and t.lower_ in forms and t.pos_ == "PRON":
                self._add_mention(aid, t.idx, token_end(t), t.text)
