"""Quote finding: direct quotes from quotation marks, indirect ones from reporting cues in the parse,
split-quote merging and speaker inheritance. Produces ``Cand`` objects with speaker *spans*; the
factory turns them into records (speaker ids, dates)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from app.extract.quotes.attribution import (
    SpeakerSpan,
    cue_text,
    dash_byline,
    inner_label,
    name_verb_after,
    speaker_between,
    speaker_of,
    speaker_span,
    subject_of,
    token_end,
)
from app.extract.quotes.lexicon import (
    ACTION_INFINITIVE,
    AGENT_PRONOUNS,
    COGNITION,
    CUE_LEMMAS,
    FRAME_CUES,
    NOT_CUES,
    NOT_LINE_LABELS,
    OBJECT_CUES,
    PREP_CUES,
    QUOTE_VERBS,
    SPEECH,
)
from app.extract.quotes.marks import Marked, find_marked
from app.extract.quotes.settings import QuoteSettings

_FINAL = frozenset(".!?")
_TRIM = " \t\n\r,;:-\u2013\u2014"
# Transcript style `PENCE: …` / `Mr. Smith: …` opening a paragraph.
_LABEL = re.compile(r"([A-Z][A-Za-z.'\-]*(?: [A-Z][A-Za-z.'\-]*){0,3}):[ \t]")


@dataclass(slots=True)
class Cand:
    """A quote candidate: content span, kind, cue and speaker span (char offsets into the text)."""

    start: int
    end: int
    kind: str
    cue: str = ""
    cue_tok: int = -1            # token index of the cue (-1: none)
    spk_start: int | None = None
    spk_end: int | None = None
    spk_head: int = -1           # token index of the speaker's head
    antecedent: int = -1         # for relative pronouns: the noun they stand for
    para: int = -1
    marks: list[Marked] = field(default_factory=list)
    inherited: bool = False
    labelled: bool = False       # speaker from a label or dash byline, not from a cue verb
    date_tok: int = -1           # token whose sentence dates the quote (the cue, or the inherited cue)

    def take_speaker(self, speaker: SpeakerSpan | None) -> None:
        if speaker is not None:
            self.spk_start, self.spk_end = speaker.start, speaker.end
            self.spk_head, self.antecedent = speaker.head, speaker.antecedent

    def take_label(self, span: tuple[int, int]) -> None:
        self.spk_start, self.spk_end, self.cue, self.labelled = span[0], span[1], ":", True

    def copy_speaker(self, src: Cand) -> None:
        self.spk_start, self.spk_end, self.spk_head, self.antecedent = src.spk_start, src.spk_end, src.spk_head, src.antecedent


class TokenIndex:
    """Char offset -> token lookups over a Doc."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.starts = [t.idx for t in doc]

    def tok_at(self, char: int) -> int:
        """Index of the token containing (or first after) char."""
        i = bisect_right(self.starts, char) - 1
        if i < 0:
            return 0
        t = self.doc[i]
        if char >= token_end(t) and i + 1 < len(self.doc):
            return i + 1
        return i

    def first_from(self, char: int) -> int:
        return bisect_left(self.starts, char)


def trim_span(text: str, s: int, e: int) -> tuple[int, int]:
    """The span without surrounding blanks and clause punctuation."""
    while s < e and text[s] in _TRIM:
        s += 1
    while e > s and text[e - 1] in _TRIM:
        e -= 1
    return s, e


def find_candidates(doc: Doc, text: str, settings: QuoteSettings) -> list[Cand]:
    """Every quote candidate of the doc, in text order."""
    return CandidateFinder(doc, text, settings).find()


class CandidateFinder:
    """One pass over one doc: the marked quotes, the cue verbs, and how they combine."""

    def __init__(self, doc: Doc, text: str, settings: QuoteSettings) -> None:
        self.doc = doc
        self.text = text
        self.settings = settings
        self.ix = TokenIndex(doc)
        self.doc_text = doc.text  # spaCy joins the tokens anew on every doc.text
        self.marks = find_marked(self.doc_text, settings.max_quote_chars)
        self.mark_starts = [m.outer_start for m in self.marks]

    def marks_at(self, pos: int) -> int:
        """Index of the marked quote whose outer span holds pos, or -1."""
        i = bisect_right(self.mark_starts, pos) - 1
        if i >= 0 and self.marks[i].outer_start <= pos < max(self.marks[i].outer_end, self.marks[i].end):
            return i
        return -1

    def find(self) -> list[Cand]:
        used_cues: set[int] = set()
        direct = [self._direct(m, used_cues) for m in self.marks]
        indirect = self._indirect_all(used_cues)
        direct, indirect = _absorb(direct, indirect)
        indirect = _drop_nested(indirect, self.doc)
        # split quotes: “A,” X said. “B” -> one quote A..B (the way PolNeAR gold spans them)
        direct = _merge_split(direct, self.doc, self.settings.split_gap_chars)
        # unattributed direct quotes inherit the speaker of an adjacent attributed one
        _inherit(direct, self.text, self.settings.orphan_paras)
        min_words = self.settings.min_orphan_words
        direct = [d for d in direct if (d.cue_tok >= 0 or d.labelled) or len(self.text[d.start:d.end].split()) >= min_words]
        out = direct + indirect
        out.sort(key=lambda c: (c.start, c.end))
        return out

    # ------------------------------------------------------------ direct quotes

    def _direct(self, m: Marked, used_cues: set[int]) -> Cand:
        """A marked quote with its attribution: a byline or label, a cue verb around it, or a name + verb."""
        doc, text = self.doc, self.text
        c = Cand(m.start, m.end, "direct", para=m.para, marks=[m])
        lab = (dash_byline(text, m.outer_end) if m.closed else None) or inner_label(text, m.start, m.end)
        if lab is not None:
            c.take_label(lab)
            return c
        before = self._cue_before(m)
        after = self._cue_after(m) if m.closed else None
        cue = before if before is not None and (after is None or text[m.outer_start - 2:m.outer_start].strip() == ":") else after
        follows = cue is not None and cue is after
        if cue is None:
            cue = self._prev_para_cue(m)
        if cue is None:
            cue = self._governing_cue(m)
        if cue is None and m.closed and text[m.end - 1:m.end] in ",!?":
            nv = name_verb_after(doc, self.ix.first_from(m.outer_end))
            if nv is not None and self.marks_at(nv[1].idx) < 0:
                c.spk_start, c.spk_end = speaker_span(nv[0], self.settings.max_speaker_tokens)
                c.spk_head, c.cue, c.cue_tok = nv[0].i, cue_text(nv[1]), nv[1].i
                used_cues.add(nv[1].i)
                return c
        if cue is None:
            lab = _speaker_label(text, m.outer_start)
            if lab is not None:
                c.take_label(lab)
            return c
        self._attribute(c, m, cue, follows)
        used_cues.add(cue.i)
        return c

    def _attribute(self, c: Cand, m: Marked, cue: Token, follows: bool) -> None:
        """The speaker of a direct quote's cue (``follows``: the cue comes after the closing mark)."""
        doc = self.doc
        c.cue, c.cue_tok = cue_text(cue), cue.i
        c.take_speaker(speaker_of(cue, self.settings))
        if c.spk_head >= 0 and self.marks_at(doc[c.spk_head].idx) >= 0 and self.marks_at(cue.idx) < 0:
            c.spk_start = c.spk_end = None  # the parser took words of the quote for the subject
            c.spk_head = -1
            if follows:
                between = speaker_between(doc, self.ix.first_from(m.outer_end), cue, self.settings.max_speaker_tokens)
                if between is not None:
                    c.spk_start, c.spk_end, c.spk_head = between
        if c.spk_start is None and follows:
            nv = name_verb_after(doc, self.ix.first_from(m.outer_end))
            if nv is not None and nv[1].i == cue.i:
                c.spk_start, c.spk_end = speaker_span(nv[0], self.settings.max_speaker_tokens)
                c.spk_head = nv[0].i

    def _cue_after(self, m: Marked) -> Token | None:
        """`“…,” X said` / `“…,” said X`: a quote verb within a few tokens after the closing mark."""
        doc = self.doc
        i = self.ix.first_from(m.outer_end)
        for k in range(i, min(i + 10, len(doc))):
            t = doc[k]
            if "\n" in t.text or ("\n" in doc[k - 1].whitespace_ and k > i):
                return None
            if self.marks_at(t.idx) >= 0:
                return None
            if t.text in _FINAL and k > i:
                return None
            if t.pos_ == "VERB" and t.lemma_.lower() in QUOTE_VERBS:
                return t
        return None

    def _cue_before(self, m: Marked) -> Token | None:
        """`X said: “…”` / `X told reporters, “…”`: the nearest quote verb before the opening mark."""
        doc = self.doc
        text = self.doc_text
        p = m.outer_start - 1
        while p >= 0 and text[p] in " \t":
            p -= 1
        if p < 0 or text[p] == "\n":
            return None
        i = self.ix.tok_at(p)
        for k in range(i, max(i - 25, -1), -1):
            t = doc[k]
            if "\n" in t.text or "\n" in t.whitespace_:
                return None
            if self.marks_at(t.idx) >= 0 or (t.text in _FINAL and k < i):
                return None
            if t.pos_ == "VERB" and t.lemma_.lower() in QUOTE_VERBS:
                if text[p] in ":," or k == i or text[p] == "\u2014":
                    return t
                return None
        return None

    def _prev_para_cue(self, m: Marked) -> Token | None:
        """`Caddell continued:` closing the previous paragraph, the quote opening this one."""
        doc = self.doc
        text = self.doc_text
        ls = text.rfind("\n", 0, m.outer_start)
        if ls < 0 or text[ls + 1:m.outer_start].strip():
            return None
        p = ls
        while p >= 0 and text[p].isspace():
            p -= 1
        if p < 0 or text[p] != ":":
            return None
        i = self.ix.tok_at(p)
        for k in range(i, max(i - 15, -1), -1):
            t = doc[k]
            if t.pos_ == "VERB" and t.lemma_.lower() in QUOTE_VERBS:
                return t
            if t.text in _FINAL or "\n" in t.text:
                break
        return None

    def _governing_cue(self, m: Marked) -> Token | None:
        """A quoted phrase inside a reporting clause: `called him a “con artist”` -> the verb above it."""
        t = self.doc[self.ix.tok_at(m.start)]
        for _ in range(8):
            if t.head.i == t.i:
                return None
            t = t.head
            if t.pos_ == "VERB" and self.marks_at(t.idx) < 0:
                lem = t.lemma_.lower()
                if lem in CUE_LEMMAS or lem in FRAME_CUES:
                    return t if subject_of(t, self.settings.climb_steps) is not None else None
        return None

    # ------------------------------------------------------------ indirect quotes

    def _indirect_all(self, used_cues: set[int]) -> list[Cand]:
        """Indirect quotes from cue verbs outside quotation marks."""
        doc, settings = self.doc, self.settings
        found: list[Cand] = []
        for t in doc:
            lem = t.lemma_.lower()
            if t.i in used_cues or self.marks_at(t.idx) >= 0 or not t.text[:1].isalpha():
                continue  # a dash or symbol the tagger took for a verb is no cue
            if t.lower_ == "according":
                if t.i + 1 >= len(doc) or doc[t.i + 1].lower_ != "to":
                    continue
            elif t.pos_ != "VERB" or lem in NOT_CUES:
                continue
            elif lem not in CUE_LEMMAS and not (settings.generic_ccomp and any(ch.dep_ == "ccomp" for ch in t.children)):
                if settings.generic_object and _agentive(t):
                    c = self._generic_object(t)
                    if c is not None:
                        found.append(c)
                continue
            c = self._indirect(t, lem)
            if c is not None:
                found.append(c)
        return found

    def _indirect(self, t: Token, lem: str) -> Cand | None:
        """The content and speaker a cue verb (or `according to`) reports."""
        content: tuple[int, int] | None
        if t.lower_ == "according":
            content = _according_content(t)
        else:
            reported = _reported_content(t, lem, self.settings.climb_steps)
            if reported is None:
                return None
            content, comp = reported
            if lem in COGNITION and lem not in SPEECH and comp is not None and comp.dep_ != "ccomp":
                return None
        if content is None:  # "According to the police." alone in its sentence: nothing is reported
            return None
        c = self._cue_cand(t, content)
        if c is not None and c.spk_start is None and lem in COGNITION:
            return None  # "seems to think": no holder of the belief
        return c

    def _generic_object(self, t: Token) -> Cand | None:
        """Any verb of a named/pronoun subject, with its object as content."""
        obj = next((ch for ch in t.children if ch.dep_ in ("dobj", "xcomp")), None)
        if obj is None or _action_infinitive(t, obj):
            return None
        span = _vp_rest(t, obj)
        if span is None:
            return None
        c = self._cue_cand(t, span)
        return c if c is not None and c.spk_start is not None else None

    def _cue_cand(self, t: Token, content: tuple[int, int]) -> Cand | None:
        s, e = trim_span(self.text, *content)
        if e - s < self.settings.min_content_chars:
            return None
        c = Cand(s, e, "indirect", cue=cue_text(t), cue_tok=t.i)
        c.take_speaker(speaker_of(t, self.settings))
        return c


def _speaker_label(text: str, pos: int) -> tuple[int, int] | None:
    """Transcript style `PENCE: …` / `Mr. Smith: …` opening the paragraph that holds pos."""
    ls = text.rfind("\n", 0, pos) + 1
    m = _LABEL.match(text, ls)
    if m is None or m.end() > pos + 1 or m.group(1).lower() in NOT_LINE_LABELS:
        return None
    return m.start(1), m.end(1)


def _according_content(t: Token) -> tuple[int, int] | None:
    """`X, according to Y` / `According to Y, X`: the rest of the sentence."""
    doc = t.doc
    sent = t.sent
    to = doc[t.i + 1]
    ph_l, ph_r = t.i, max(t.right_edge.i, to.right_edge.i)
    if ph_l <= sent.start + 1:
        if ph_r + 1 < sent.end:
            return doc[ph_r + 1].idx, token_end(doc[sent.end - 1])
        return None
    return sent[0].idx, token_end(doc[ph_l - 1])


def _reported_content(t: Token, lem: str, climb_steps: int) -> tuple[tuple[int, int], Token | None] | None:
    """The content of a cue verb (its clause, prepositional object or object) and the complement it came from."""
    doc = t.doc
    content: tuple[int, int] | None = None
    comp = next((ch for ch in t.children if ch.dep_ == "ccomp"), None)
    if comp is None and lem in PREP_CUES:
        preps = PREP_CUES[lem]
        comp = next((ch for ch in t.children if ch.dep_ in ("prep", "prt") and ch.lower_ in preps), None)
        if comp is not None:
            content = _vp_rest(t, comp)
    if comp is None and (lem in OBJECT_CUES or lem in SPEECH):
        objs = [ch for ch in t.children if ch.dep_ in ("dobj", "xcomp")] if lem in OBJECT_CUES else []
        if lem in SPEECH and not objs:
            content = _reported_clause_before(t, climb_steps)
        elif objs:
            comp = objs[0]
            if _action_infinitive(t, comp):
                return None
            content = _vp_rest(t, comp)
    if comp is not None and content is None:
        # content: the complement's subtree (clipped to stay on the cue's side of it)
        left, right = comp.left_edge.i, comp.right_edge.i
        if left <= t.i <= right:
            if comp.i > t.i:
                left = t.i + 1
            else:
                right = t.i - 1
        content = (doc[left].idx, token_end(doc[right]))
    if content is None:
        return None
    return content, comp


def _reported_clause_before(t: Token, climb_steps: int) -> tuple[int, int] | None:
    """`X is Y, officials said`: the cue hangs off the clause it reports."""
    if t.dep_ in ("parataxis", "ccomp") and t.head.i < t.i and subject_of(t, climb_steps) is not None \
            and t.head.dep_ == "ROOT" and _closes_sentence(t):
        left = t.head.left_edge.i
        right = t.left_edge.i - 1
        if right > left:
            return t.doc[left].idx, token_end(t.doc[right])
    return None


def _action_infinitive(verb: Token, comp: Token) -> bool:
    """`agrees to withdraw`, `decided to raise`: a to-infinitive after such a verb names what the subject will
    do; it reports no words. A clause (`agreed that ...`) is another matter."""
    return (verb.lemma_.lower() in ACTION_INFINITIVE and comp.dep_ == "xcomp"
            and any(ch.dep_ == "aux" and ch.lower_ == "to" for ch in comp.children))


def _agentive(t: Token) -> bool:
    subj = next((ch for ch in t.children if ch.dep_ == "nsubj"), None)
    return subj is not None and (subj.pos_ == "PROPN" or subj.lower_ in AGENT_PRONOUNS)


def _vp_rest(verb: Token, first: Token) -> tuple[int, int] | None:
    """From the first complement to the end of the verb phrase, stopping before a coordinated verb."""
    doc = verb.doc
    left = first.left_edge.i
    if left <= verb.i:
        left = verb.i + 1
    right = verb.i
    for ch in verb.rights:
        if ch.dep_ in ("cc", "conj") or (ch.dep_ == "punct" and ch.i > first.i):
            break
        right = max(right, ch.right_edge.i)
    if right < left:
        return None
    return doc[left].idx, token_end(doc[right])


def _closes_sentence(t: Token) -> bool:
    """`…, officials said (on Monday).`: the cue's clause ends the sentence and follows a comma."""
    doc = t.doc
    sent_end = t.sent.end
    for k in range(t.right_edge.i + 1, sent_end):
        if not doc[k].is_punct:
            return False
    left = t.left_edge.i
    return left > 0 and doc[left - 1].text in (",", "\u2014", "--")


# ---------------------------------------------------------------- combining candidates

def _absorb(direct: list[Cand], indirect: list[Cand]) -> tuple[list[Cand], list[Cand]]:
    """An indirect content holding a direct quote absorbs it (gold keeps such mixed spans whole); an
    indirect candidate whose content is mostly a direct quote is that quote's attribution."""
    for c in indirect:
        inside = [d for d in direct if d.start >= c.start - 2 and d.end <= c.end + 2]
        for d in inside:
            if d.cue_tok < 0 or d.cue_tok == c.cue_tok:
                d.kind = "absorbed"
                c.marks.extend(d.marks)
        if c.marks:
            c.kind = "direct"
            c.start, c.end = min(c.start, *(x.start for x in c.marks)), max(c.end, *(x.end for x in c.marks))
    direct = [d for d in direct if d.kind != "absorbed"]
    keep: list[Cand] = []
    for c in indirect:
        hit = next((d for d in direct if d.start < c.end and c.start < d.end), None)
        if hit is not None and c.kind != "direct":
            if hit.cue_tok < 0:
                hit.cue, hit.cue_tok = c.cue, c.cue_tok
                hit.copy_speaker(c)
            continue
        keep.append(c)
    return direct, keep


def _drop_nested(cands: list[Cand], doc: Doc) -> list[Cand]:
    """Univocal annotation: a cue inside another attribution's content is not its own attribution."""
    cands = sorted(cands, key=lambda c: c.end - c.start, reverse=True)
    kept: list[Cand] = []
    for c in cands:
        cpos = doc[c.cue_tok].idx
        if any(k.start <= cpos < k.end for k in kept):
            continue
        if any(c.start < k.end and k.start < c.end for k in kept):
            continue
        kept.append(c)
    return kept


def _merge_split(direct: list[Cand], doc: Doc, max_gap: int) -> list[Cand]:
    """`“A,” X said. “B”` in one paragraph: B continues A's quote."""
    out: list[Cand] = []
    for c in direct:
        prev = out[-1] if out else None
        if (prev is not None and (c.cue_tok < 0 or c.cue_tok == prev.cue_tok) and prev.cue_tok >= 0 and prev.para == c.para
                and prev.marks[-1].outer_end <= doc[prev.cue_tok].idx < c.marks[0].outer_start
                and c.marks[0].outer_start - prev.marks[-1].outer_end < max_gap):
            prev.end = c.end
            prev.marks.extend(c.marks)
            continue
        out.append(c)
    return out


def _inherit(direct: list[Cand], text: str, orphan_paras: int) -> None:
    """Unattributed direct quotes take the speaker (and cue, for dating) of a neighbouring attributed one."""
    for i, c in enumerate(direct):
        if c.cue_tok >= 0 or c.labelled:
            continue
        src = _inherit_source(direct, i, text, orphan_paras)
        if src is not None:
            c.cue = src.cue
            c.copy_speaker(src)
            c.inherited = True
            c.date_tok = src.cue_tok if src.cue_tok >= 0 else src.date_tok


def _inherit_source(direct: list[Cand], i: int, text: str, orphan_paras: int) -> Cand | None:
    c = direct[i]
    # same paragraph: the previous attributed quote, else the next one
    for j in range(i - 1, -1, -1):
        if direct[j].para != c.para:
            break
        if direct[j].cue_tok >= 0 or direct[j].inherited or direct[j].labelled:
            return direct[j]
    for j in range(i + 1, len(direct)):
        if direct[j].para != c.para:
            break
        if direct[j].cue_tok >= 0:
            return direct[j]
    # a paragraph that opens with this quote continues the previous paragraph's speaker
    ls = text.rfind("\n", 0, c.marks[0].outer_start)
    if not text[ls + 1:c.marks[0].outer_start].strip():
        prev = [d for d in direct[:i] if d.para == c.para - 1 or (d.para < c.para and d.para >= c.para - 1)]
        if prev and (prev[-1].cue_tok >= 0 or prev[-1].inherited):
            return prev[-1]
    # an orphan quote carries on the story's last named speaker (a few paragraphs back at most)
    for j in range(i - 1, -1, -1):
        if c.para - direct[j].para > orphan_paras:
            break
        if direct[j].spk_start is not None:
            return direct[j]
    return None
