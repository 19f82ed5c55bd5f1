"""Quote finding: direct quotes from quotation marks, indirect ones from reporting cues in the parse,
speaker spans, split-quote merging and speaker inheritance. Produces ``Cand`` objects; quotes.py turns
them into records (speaker ids, dates)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from app.extract.quotes_lexicon import (
    COGNITION,
    CUE_LEMMAS,
    NOT_CUES,
    OBJECT_CUES,
    PREP_CUES,
    QUOTE_VERBS,
    SPEECH,
)
from app.extract.quotes_marks import Marked, find_marked
from app.extract.quotes_speakers import (
    climbed_subject,
    dash_byline,
    inner_label,
    name_verb_after,
    passive_agent,
)

SUBJ = ("nsubj", "nsubjpass", "csubj")
_FINAL = frozenset(".!?")
_TRIM = " \t\n\r,;:-\u2013\u2014"
MAX_SPEAKER_TOKENS = 16
MIN_ORPHAN_WORDS = 2
ORPHAN_PARAS = 4  # blank lines count as paragraphs
GENERIC_CCOMP = True
GENERIC_OBJECT = True  # a named/pronoun subject acting on an object: PolNeAR marks many such stances  # any verb with a subject and a clausal complement reports something  # an unattributed quoted phrase shorter than this is a title or scare quote


@dataclass(slots=True)
class Cand:
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


class Index:
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
        if char >= t.idx + len(t.text) and i + 1 < len(self.doc):
            return i + 1
        return i

    def first_from(self, char: int) -> int:
        return bisect_left(self.starts, char)


def _tok_end(t: Token) -> int:
    return t.idx + len(t.text)


def trim_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in _TRIM:
        s += 1
    while e > s and text[e - 1] in _TRIM:
        e -= 1
    return s, e


def speaker_span(tok: Token) -> tuple[int, int]:
    """Char span of a speaker noun phrase: its subtree, cut before relative clauses and long tails."""
    left, right = tok.left_edge.i, tok.right_edge.i
    for child in tok.rights:
        if child.dep_ in ("relcl", "acl") or (child.dep_ == "punct" and child.text in "(["):
            right = min(right, child.left_edge.i - 1)
            break
    right = min(right, left + MAX_SPEAKER_TOKENS - 1)
    doc = tok.doc
    while right > left and doc[right].is_punct:
        right -= 1
    while left < right and doc[left].is_punct:
        left += 1
    return doc[left].idx, _tok_end(doc[right])


def subject_of(cue: Token) -> Token | None:
    agent = passive_agent(cue)
    if agent is not None:
        return agent
    for child in cue.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    # "X has said", coordinated verbs: "X smiled and said ..."
    if cue.dep_ == "conj" and cue.head.pos_ in ("VERB", "AUX"):
        for child in cue.head.children:
            if child.dep_ == "nsubj":
                return child
    if cue.dep_ in ("xcomp", "advcl", "conj") and cue.head.pos_ in ("VERB", "AUX") and cue.head.i != cue.i:
        for child in cue.head.children:
            if child.dep_ == "nsubj":
                return child
        if cue.head.dep_ == "conj" and cue.head.head.pos_ in ("VERB", "AUX"):
            for child in cue.head.head.children:
                if child.dep_ == "nsubj":
                    return child
    if cue.dep_ == "acl" and cue.head.pos_ in ("PROPN", "NOUN") and cue.tag_ == "VBG":
        return cue.head  # "Trump, speaking at a rally, …" / "a statement saying …"
    return climbed_subject(cue)


def cue_text(cue: Token) -> str:
    """The cue verb with its particle / 'according to' / 'in a statement'-less core."""
    doc = cue.doc
    if cue.lower_ == "according" and cue.i + 1 < len(doc):
        return doc[cue.i].text + " " + doc[cue.i + 1].text
    parts = [cue.text]
    for child in cue.rights:
        if child.dep_ == "prt":
            parts.append(child.text)
    return " ".join(parts)


def set_speaker(c: Cand, cue: Token) -> None:
    subj = subject_of(cue)
    if cue.lower_ == "according":
        to = next((ch for ch in cue.children if ch.lower_ == "to"), None)
        if to is None and cue.i + 1 < len(cue.doc) and cue.doc[cue.i + 1].lower_ == "to":
            to = cue.doc[cue.i + 1]
        subj = next((ch for ch in to.children if ch.dep_ == "pobj"), None) if to is not None else None
    if subj is None:
        # "said Andrew Lohsen" parsed without nsubj: the proper noun right after the cue
        doc = cue.doc
        j = cue.i + 1
        if j < len(doc) and doc[j].pos_ == "PROPN":
            while j + 1 < len(doc) and doc[j + 1].pos_ == "PROPN":
                j += 1
            subj = doc[j]
    if subj is None:
        return
    c.spk_start, c.spk_end = speaker_span(subj)
    c.spk_head = subj.i
    if subj.lower_ in ("who", "which", "that"):
        verb = subj.head
        if verb.dep_ == "relcl":
            c.antecedent = verb.head.i


def _in_marks(pos: int, mstarts: list[int], marks: list[Marked]) -> int:
    """Index of the marked quote whose outer span holds pos, or -1."""
    i = bisect_right(mstarts, pos) - 1
    if i >= 0 and marks[i].outer_start <= pos < max(marks[i].outer_end, marks[i].end):
        return i
    return -1


def _direct_cue_after(doc: Doc, ix: Index, m: Marked, marks_at) -> Token | None:
    """`“…,” X said` / `“…,” said X`: a quote verb within a few tokens after the closing mark."""
    i = ix.first_from(m.outer_end)
    for k in range(i, min(i + 10, len(doc))):
        t = doc[k]
        if "\n" in t.text or ("\n" in doc[k - 1].whitespace_ and k > i):
            return None
        if marks_at(t.idx) >= 0:
            return None
        if t.text in _FINAL and k > i:
            return None
        if t.pos_ == "VERB" and t.lemma_.lower() in QUOTE_VERBS:
            return t
    return None


def _direct_cue_before(doc: Doc, ix: Index, m: Marked, marks_at) -> Token | None:
    """`X said: “…”` / `X told reporters, “…”`: the nearest quote verb before the opening mark."""
    text = doc.text
    p = m.outer_start - 1
    while p >= 0 and text[p] in " \t":
        p -= 1
    if p < 0 or text[p] == "\n":
        return None
    i = ix.tok_at(p)
    for k in range(i, max(i - 25, -1), -1):
        t = doc[k]
        if "\n" in t.text or "\n" in t.whitespace_:
            return None
        if marks_at(t.idx) >= 0 or (t.text in _FINAL and k < i):
            return None
        if t.pos_ == "VERB" and t.lemma_.lower() in QUOTE_VERBS:
            if text[p] in ":," or k == i or text[p] == "\u2014":
                return t
            return None
    return None


def _prev_para_cue(doc: Doc, ix: Index, m: Marked) -> Token | None:
    """`Caddell continued:` closing the previous paragraph, the quote opening this one."""
    text = doc.text
    ls = text.rfind("\n", 0, m.outer_start)
    if ls < 0 or text[ls + 1:m.outer_start].strip():
        return None
    p = ls
    while p >= 0 and text[p].isspace():
        p -= 1
    if p < 0 or text[p] != ":":
        return None
    i = ix.tok_at(p)
    for k in range(i, max(i - 15, -1), -1):
        t = doc[k]
        if t.pos_ == "VERB" and t.lemma_.lower() in QUOTE_VERBS:
            return t
        if t.text in _FINAL or "\n" in t.text:
            break
    return None


_LABEL = re.compile(r"([A-Z][A-Za-z.'\-]*(?: [A-Z][A-Za-z.'\-]*){0,3}):[ \t]")
FRAME_CUES = frozenset("call describe label dub brand refer term deem characterize characterise".split())


def _speaker_label(text: str, pos: int) -> tuple[int, int] | None:
    """Transcript style `PENCE: …` / `Mr. Smith: …` opening the paragraph that holds pos."""
    ls = text.rfind("\n", 0, pos) + 1
    m = _LABEL.match(text, ls)
    if m is None or m.end() > pos + 1 or m.group(1).lower() in ("update", "note", "editor's note", "photo", "video"):
        return None
    return m.start(1), m.end(1)


def _governing_cue(doc: Doc, ix: Index, m: Marked, marks_at) -> Token | None:
    """A quoted phrase inside a reporting clause: `called him a “con artist”` -> the verb above it."""
    t = doc[ix.tok_at(m.start)]
    for _ in range(8):
        if t.head.i == t.i:
            return None
        t = t.head
        if t.pos_ == "VERB" and marks_at(t.idx) < 0:
            lem = t.lemma_.lower()
            if lem in CUE_LEMMAS or lem in FRAME_CUES:
                return t if subject_of(t) is not None else None
    return None


def find_candidates(doc: Doc, text: str) -> list[Cand]:
    ix = Index(doc)
    marks = find_marked(doc.text)
    mstarts = [m.outer_start for m in marks]

    def marks_at(pos: int) -> int:
        return _in_marks(pos, mstarts, marks)

    # 1. direct quotes and their attribution
    direct: list[Cand] = []
    used_cues: set[int] = set()
    for m in marks:
        c = Cand(m.start, m.end, "direct", para=m.para, marks=[m])
        lab = (dash_byline(text, m.outer_end) if m.closed else None) or inner_label(text, m.start, m.end)
        if lab is not None:
            c.spk_start, c.spk_end, c.cue, c.labelled = lab[0], lab[1], ":", True
            direct.append(c)
            continue
        before = _direct_cue_before(doc, ix, m, marks_at)
        after = _direct_cue_after(doc, ix, m, marks_at) if m.closed else None
        cue = before if before is not None and (after is None or text[m.outer_start - 2:m.outer_start].strip() == ":") else after
        if cue is None:
            cue = _prev_para_cue(doc, ix, m)
        if cue is None:
            cue = _governing_cue(doc, ix, m, marks_at)
        if cue is None and m.closed and text[m.end - 1:m.end] in ",!?":
            nv = name_verb_after(doc, ix.first_from(m.outer_end))
            if nv is not None and marks_at(nv[1].idx) < 0:
                c.spk_start, c.spk_end = speaker_span(nv[0])
                c.spk_head, c.cue, c.cue_tok = nv[0].i, cue_text(nv[1]), nv[1].i
                used_cues.add(nv[1].i)
                direct.append(c)
                continue
        if cue is None:
            lab = _speaker_label(text, m.outer_start)
            if lab is not None:
                c.spk_start, c.spk_end, c.cue, c.labelled = lab[0], lab[1], ":", True
        if cue is not None:
            c.cue, c.cue_tok = cue_text(cue), cue.i
            set_speaker(c, cue)
            if c.spk_head >= 0 and marks_at(doc[c.spk_head].idx) >= 0 and marks_at(cue.idx) < 0:
                c.spk_start = c.spk_end = None  # the parser took words of the quote for the subject
                c.spk_head = -1
                if cue is after:
                    _speaker_between(c, doc, ix.first_from(m.outer_end), cue)
            if c.spk_start is None and cue is after:
                nv = name_verb_after(doc, ix.first_from(m.outer_end))
                if nv is not None and nv[1].i == cue.i:
                    c.spk_start, c.spk_end = speaker_span(nv[0])
                    c.spk_head = nv[0].i
            used_cues.add(cue.i)
        direct.append(c)

    # 2. indirect quotes from cue verbs outside quotation marks
    indirect: list[Cand] = []
    for t in doc:
        lem = t.lemma_.lower()
        if t.i in used_cues or marks_at(t.idx) >= 0 or not t.text[:1].isalpha():
            continue  # a dash or symbol the tagger took for a verb is no cue
        if t.lower_ == "according":
            if t.i + 1 >= len(doc) or doc[t.i + 1].lower_ != "to":
                continue
        elif t.pos_ != "VERB" or lem in NOT_CUES:
            continue
        elif lem not in CUE_LEMMAS and not (GENERIC_CCOMP and any(ch.dep_ == "ccomp" for ch in t.children)):
            if GENERIC_OBJECT and _agentive(t):
                c = _generic_object(t, text)
                if c is not None:
                    indirect.append(c)
            continue
        if marks_at(t.idx) >= 0:
            continue
        c = _indirect(t, lem, text)
        if c is not None:
            indirect.append(c)

    # 3. an indirect content holding a direct quote absorbs it (gold keeps such mixed spans whole)
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
    # an indirect candidate whose content is mostly a direct quote is that quote's attribution
    keep: list[Cand] = []
    for c in indirect:
        hit = next((d for d in direct if d.start < c.end and c.start < d.end), None)
        if hit is not None and c.kind != "direct":
            if hit.cue_tok < 0:
                hit.cue, hit.cue_tok = c.cue, c.cue_tok
                hit.spk_start, hit.spk_end, hit.spk_head, hit.antecedent = c.spk_start, c.spk_end, c.spk_head, c.antecedent
            continue
        keep.append(c)
    indirect = _drop_nested(keep, doc)

    # 4. split quotes: “A,” X said. “B” -> one quote A..B (the way PolNeAR gold spans them)
    direct = _merge_split(direct, doc, text)
    # 5. unattributed direct quotes inherit the speaker of an adjacent attributed one
    _inherit(direct, text)
    direct = [d for d in direct if (d.cue_tok >= 0 or d.labelled) or len(text[d.start:d.end].split()) >= MIN_ORPHAN_WORDS]
    out = direct + indirect
    out.sort(key=lambda c: (c.start, c.end))
    return out


def _indirect(t: Token, lem: str, text: str) -> Cand | None:
    doc = t.doc
    content: tuple[int, int] | None = None
    if t.lower_ == "according":
        sent = t.sent
        to = doc[t.i + 1]
        ph_l, ph_r = t.i, max(t.right_edge.i, to.right_edge.i)
        if ph_l <= sent.start + 1:
            if ph_r + 1 < sent.end:
                content = (doc[ph_r + 1].idx, _tok_end(doc[sent.end - 1]))
        else:
            content = (sent[0].idx, doc[ph_l - 1].idx + len(doc[ph_l - 1].text))
    else:
        comp = next((ch for ch in t.children if ch.dep_ == "ccomp"), None)
        if comp is None and lem in PREP_CUES:
            preps = PREP_CUES[lem]
            comp = next((ch for ch in t.children if ch.dep_ in ("prep", "prt") and ch.lower_ in preps), None)
            if comp is not None:
                content = _vp_rest(t, comp)
        if comp is None and (lem in OBJECT_CUES or lem in SPEECH):
            objs = [ch for ch in t.children if ch.dep_ in ("dobj", "xcomp")] if lem in OBJECT_CUES else []
            if lem in SPEECH and not objs:
                # "X is Y, officials said": the cue hangs off the clause it reports
                if t.dep_ in ("parataxis", "ccomp") and t.head.i < t.i and subject_of(t) is not None \
                        and t.head.dep_ == "ROOT" and _closes_sentence(t):
                    h = t.head
                    left = h.left_edge.i
                    right = t.left_edge.i - 1
                    if right > left:
                        content = (doc[left].idx, _tok_end(doc[right]))
            elif objs:
                comp = objs[0]
                content = _vp_rest(t, comp)
        if comp is not None and content is None:
            # content: the complement's subtree (clipped to stay on the cue's side of it)
            left, right = comp.left_edge.i, comp.right_edge.i
            if left <= t.i <= right:
                if comp.i > t.i:
                    left = t.i + 1
                else:
                    right = t.i - 1
            content = (doc[left].idx, _tok_end(doc[right]))
        if content is None:
            return None
        if lem in COGNITION and lem not in SPEECH and comp is not None and comp.dep_ != "ccomp":
            return None
    if content is None:  # "According to the police." alone in its sentence: nothing is reported
        return None
    s, e = trim_span(text, *content)
    if e - s < 8:
        return None
    c = Cand(s, e, "indirect", cue=cue_text(t), cue_tok=t.i)
    set_speaker(c, t)
    if c.spk_start is None and lem in COGNITION:
        return None  # "seems to think": no holder of the belief
    return c


_AGENT_PRON = frozenset("he she they we i".split())


def _agentive(t: Token) -> bool:
    subj = next((ch for ch in t.children if ch.dep_ == "nsubj"), None)
    return subj is not None and (subj.pos_ == "PROPN" or subj.lower_ in _AGENT_PRON)


def _generic_object(t: Token, text: str) -> Cand | None:
    obj = next((ch for ch in t.children if ch.dep_ in ("dobj", "xcomp")), None)
    if obj is None:
        return None
    span = _vp_rest(t, obj)
    if span is None:
        return None
    s, e = trim_span(text, *span)
    if e - s < 8:
        return None
    c = Cand(s, e, "indirect", cue=cue_text(t), cue_tok=t.i)
    set_speaker(c, t)
    return c if c.spk_start is not None else None


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
    return doc[left].idx, _tok_end(doc[right])


def _closes_sentence(t: Token) -> bool:
    """`…, officials said (on Monday).`: the cue's clause ends the sentence and follows a comma."""
    doc = t.doc
    sent_end = t.sent.end
    for k in range(t.right_edge.i + 1, sent_end):
        if not doc[k].is_punct:
            return False
    left = t.left_edge.i
    return left > 0 and doc[left - 1].text in (",", "\u2014", "--")


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


def _merge_split(direct: list[Cand], doc: Doc, text: str) -> list[Cand]:
    out: list[Cand] = []
    for c in direct:
        prev = out[-1] if out else None
        if (prev is not None and (c.cue_tok < 0 or c.cue_tok == prev.cue_tok) and prev.cue_tok >= 0 and prev.para == c.para
                and prev.marks[-1].outer_end <= doc[prev.cue_tok].idx < c.marks[0].outer_start
                and c.marks[0].outer_start - prev.marks[-1].outer_end < 300):
            prev.end = c.end
            prev.marks.extend(c.marks)
            continue
        out.append(c)
    return out


def _inherit(direct: list[Cand], text: str) -> None:
    last_by_para: dict[int, Cand] = {}
    for i, c in enumerate(direct):
        if c.cue_tok >= 0 or c.labelled:
            last_by_para[c.para] = c
            continue
        src = None
        # same paragraph: the previous attributed quote, else the next one
        for j in range(i - 1, -1, -1):
            if direct[j].para != c.para:
                break
            if direct[j].cue_tok >= 0 or direct[j].inherited or direct[j].labelled:
                src = direct[j]
                break
        if src is None:
            for j in range(i + 1, len(direct)):
                if direct[j].para != c.para:
                    break
                if direct[j].cue_tok >= 0:
                    src = direct[j]
                    break
        if src is None:
            # a paragraph that opens with this quote continues the previous paragraph's speaker
            ls = text.rfind("\n", 0, c.marks[0].outer_start)
            if not text[ls + 1:c.marks[0].outer_start].strip():
                prev = [d for d in direct[:i] if d.para == c.para - 1 or (d.para < c.para and d.para >= c.para - 1)]
                if prev and (prev[-1].cue_tok >= 0 or prev[-1].inherited):
                    src = prev[-1]
        if src is None:
            # an orphan quote carries on the story's last named speaker (a few paragraphs back at most)
            for j in range(i - 1, -1, -1):
                if c.para - direct[j].para > ORPHAN_PARAS:
                    break
                if direct[j].spk_start is not None:
                    src = direct[j]
                    break
        if src is not None:
            c.cue, c.spk_start, c.spk_end, c.spk_head, c.antecedent = src.cue, src.spk_start, src.spk_end, src.spk_head, src.antecedent
            c.inherited = True
            c.date_tok = src.cue_tok if src.cue_tok >= 0 else src.date_tok


def _speaker_between(c: Cand, doc: Doc, first: int, cue: Token) -> None:
    """`“…,” the city's lawyer said` / `“…,” said Ann Lee, a spokeswoman`: the words between the closing
    mark and the cue, else the noun phrase right after the cue."""
    k = first
    while k < cue.i and (doc[k].is_punct or doc[k].is_space):
        k += 1
    if k < cue.i:
        right = cue.i - 1
        while right > k and (doc[right].pos_ in ("AUX", "ADV", "PART") or doc[right].is_punct):
            right -= 1
        c.spk_start, c.spk_end, c.spk_head = doc[k].idx, _tok_end(doc[right]), right
        return
    j, end = cue.i + 1, cue.i + 1
    while end < len(doc) and end - j < MAX_SPEAKER_TOKENS and not doc[end].is_punct and doc[end].pos_ in ("PROPN", "NOUN", "DET", "ADJ"):
        end += 1
    if end > j:
        c.spk_start, c.spk_end, c.spk_head = doc[j].idx, _tok_end(doc[end - 1]), end - 1
