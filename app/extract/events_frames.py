"""Grammar around an event trigger: who (source, targets), whether (modality), where (place), and the headline."""

from __future__ import annotations

from spacy.tokens import Token

# Control verbs whose infinitival complement is the event; the frame decides type and modality.
INTENT = frozenset("agree promise pledge vow offer commit undertake volunteer resolve".split())
READY = frozenset("willing ready prepared eager open keen determined".split())
REFUSE = frozenset("refuse decline reject".split())
ASKING = frozenset("demand urge ask call press request appeal implore beg petition".split())
PLANNING = frozenset("plan intend prepare aim schedule set due slate poise expect going".split())
TRYING = frozenset("want hope seek try attempt consider mull weigh wish threaten".split())
FAILING = frozenset("fail neglect".split())
NEG_WORDS = frozenset({"not", "n't", "never", "no", "nt"})
FUTURE_MD = frozenset({"will", "shall", "'ll", "wo", "ll"})
POSSIBLE_MD = frozenset({"may", "might", "could", "would", "can", "should", "must", "ca", "'d"})
CONDITION_MARKS = frozenset({"if", "unless", "whether"})
POSSIBILITY_NOUNS = frozenset("possibility risk threat chance prospect fear likelihood danger option idea".split())
POSSIBLE_MODS = frozenset("possible potential likely probable feared threatened planned proposed".split())
TARGET_PREPS = frozenset("to with against on upon toward towards into".split())
PLACE_PREPS = frozenset("in at near outside inside across throughout".split())
PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
PRONOUNS = frozenset("it they he she we i you this that".split())
SUBJ_DEPS = ("nsubj", "csubj", "expl")
DETERMINERS = frozenset("the a an its their his her our this that these those".split())


def chain_up(tok: Token):
    """The trigger and the verbs it hangs from by xcomp/conj (the verbs that share its subject)."""
    seen = 0
    while seen < 8:
        yield tok
        if tok.dep_ in ("xcomp", "conj") and tok.head is not tok:
            tok = tok.head
            seen += 1
        else:
            return


def subject(tok: Token) -> tuple[Token | None, Token | None]:
    """(agent-like subject token, patient subject of a passive) of a verb, inheriting through xcomp/conj."""
    patient = None
    t = tok
    for _ in range(8):
        subj = agent = None
        obj_controller = None
        for c in t.children:
            if c.dep_ in ("nsubj", "csubj"):
                subj = c
            elif c.dep_ == "nsubjpass" and patient is None:
                patient = c
            elif c.dep_ == "agent":
                agent = next((g for g in c.children if g.dep_ == "pobj"), None)
        if agent is not None:
            return agent, patient
        if subj is not None:
            return subj, patient
        if t.dep_ in ("acomp", "xcomp") and t.pos_ == "ADJ" and t.head is not t:
            t = t.head
            continue
        if t.dep_ == "acl" and t.tag_ == "VBN" and patient is None:
            patient = t.head
        if t.dep_ in ("xcomp", "conj", "advcl") and t.head is not t:
            head = t.head
            if t.dep_ == "xcomp":
                obj_controller = next((c for c in head.children if c.dep_ in ("dobj", "obj")), None)
                if obj_controller is not None and head.lemma_ not in INTENT | PLANNING | TRYING | REFUSE:
                    return obj_controller, patient
            if t.dep_ == "advcl" and not any(c.dep_ == "aux" and c.tag_ == "TO" for c in t.children) \
                    and t.tag_ != "VBG":
                return None, patient
            t = head
            continue
        return None, patient
    return None, patient


class ActorIndex:
    """Token index -> actor id, from doc._.dl_actor_spans (plus demonyms of country actors)."""

    def __init__(self, doc, spans, actors) -> None:
        self.by_token: dict[int, str] = {}
        self.names = {a.id: a.name for a in actors or []}
        self.kinds = {a.id: a.kind for a in actors or []}
        for start, end, aid in spans or []:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            for t in span:
                self.by_token.setdefault(t.i, aid)
        self.persons = {i for i, a in self.by_token.items() if self.kinds.get(a) == "person"}
        countries = [(a.id, a.name.lower()) for a in actors or [] if a.kind == "country"]
        if countries:
            for ent in doc.ents:
                if ent.label_ == "NORP" and len(ent) == 1 and ent.start not in self.by_token:
                    aid = demonym(ent.text.lower(), countries)
                    if aid:
                        self.by_token[ent.start] = aid

    def actor(self, tok: Token | None) -> str | None:
        """The actor a noun phrase head stands for: the head itself, else its modifiers ("Russian officials")."""
        if tok is None:
            return None
        if tok.i in self.by_token:
            return self.by_token[tok.i]
        for c in tok.children:
            if c.dep_ in ("compound", "amod", "poss", "nmod", "appos") and c.i < tok.i + 4:
                if c.i in self.by_token:
                    return self.by_token[c.i]
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for g in c.children:
                    if g.dep_ == "pobj" and g.i in self.by_token:
                        return self.by_token[g.i]
        return None

    def actors_of(self, tok: Token | None) -> list[str]:
        if tok is None:
            return []
        out = []
        for t in [tok, *tok.conjuncts]:
            a = self.actor(t)
            if a and a not in out:
                out.append(a)
        return out


def demonym(word: str, countries: list[tuple[str, str]]) -> str | None:
    """'russian' -> Russia, 'chinese' -> China, 'turkish' -> Turkey, by shared stem with a country actor's name."""
    best, best_len = None, 0
    for aid, name in countries:
        n = 0
        for a, b in zip(word, name, strict=False):
            if a != b:
                break
            n += 1
        if n >= 4 and n >= min(len(word), len(name)) - 2 and n > best_len:
            best, best_len = aid, n
    return best


def resolve_subject(tok: Token | None, anchor: Token, index: ActorIndex) -> list[str]:
    """Actors of a subject; a pronoun inside a reported clause takes the reporting verb's subject."""
    if tok is None:
        return []
    found = index.actors_of(tok)
    if found or tok.lower_ not in PRONOUNS:
        return found
    t = anchor
    for _ in range(10):
        if t.dep_ == "ccomp" and t.head is not t:
            s, _p = subject(t.head)
            return index.actors_of(s)
        if t.head is t:
            break
        t = t.head
    return []


def targets(trigger: Token, anchor: Token, patient: Token | None, index: ActorIndex, source: str | None) -> list[str]:
    found: list[str] = []

    def add(tok):
        for a in index.actors_of(tok):
            if a != source and a not in found:
                found.append(a)

    if patient is not None:
        add(patient)
    for head in {trigger, anchor}:
        for c in head.children:
            if c.dep_ in ("dobj", "obj", "dative", "iobj", "oprd"):
                add(c)
                for cc in c.children:
                    if cc.dep_ == "prep" and cc.lower_ in TARGET_PREPS | {"of"}:
                        for g in cc.children:
                            if g.dep_ == "pobj":
                                add(g)
            elif c.dep_ in ("prep", "dative") and c.lower_ in TARGET_PREPS:
                for g in c.children:
                    if g.dep_ == "pobj":
                        add(g)
            elif head is trigger and trigger.pos_ in ("NOUN", "PROPN") and c.dep_ in ("compound", "amod", "nmod", "poss"):
                add(c)
    return found


def modality(trigger: Token, anchor: Token, frame: str | None) -> str:
    """negated > possible > planned > asserted, from auxiliaries, negation, conditions and control verbs."""
    negated = possible = planned = False
    if trigger.pos_ in ("NOUN", "PROPN"):
        for c in trigger.children:
            if c.lower_ in NEG_WORDS and c.dep_ in ("det", "neg"):
                negated = True
            elif c.dep_ == "amod" and c.lower_ in POSSIBLE_MODS:
                possible = True
    for i, t in enumerate(chain_up(anchor)):
        for c in t.children:
            low = c.lower_
            if c.dep_ == "neg" or (low in NEG_WORDS and c.dep_ in ("advmod", "neg")):
                if i == 0 or t.lemma_ not in REFUSE:
                    negated = True
            elif c.dep_ == "aux" and c.tag_ == "MD":
                if low in FUTURE_MD:
                    planned = True
                elif low in POSSIBLE_MD:
                    possible = True
            elif c.dep_ == "mark" and low in CONDITION_MARKS:
                possible = True
        lemma = t.lemma_.lower()
        if i > 0:
            if lemma in FAILING:
                negated = True
            elif lemma in PLANNING:
                planned = True
            elif lemma in TRYING or lemma in READY:
                possible = True
        if t.dep_ == "xcomp" and t.head.pos_ == "ADJ" and t.head.lower_ in READY:
            possible = True
            for c in t.head.head.children:
                if c.dep_ == "aux" and c.tag_ == "MD" and c.lower_ in POSSIBLE_MD:
                    possible = True
        if t.dep_ in ("acl", "advcl", "relcl") and any(c.dep_ == "aux" and c.tag_ == "TO" for c in t.children) \
                and i == 0 and t.dep_ != "relcl":
            possible = True
        if t.dep_ in ("acl", "ccomp", "relcl") and t.head.lemma_.lower() in POSSIBILITY_NOUNS:
            possible = True
        if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in t.children):
            possible = True
        if t.dep_ == "xcomp" and t.head.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in t.head.children):
            possible = True
    if frame in ("refuse",):
        negated = False
    if negated:
        return "negated"
    if possible:
        return "possible"
    if planned or frame == "intent-future":
        return "planned"
    return "asserted"


def place(trigger: Token, anchor: Token, skip: set[int]) -> Token | None:
    """The noun of the first in/at/near phrase on the trigger (or its verb/object) that names a place."""
    heads = [trigger] if trigger is anchor else [trigger, anchor]
    for h in list(heads):
        heads.extend(c for c in h.children if c.dep_ in ("dobj", "obj", "pobj") and c.pos_ in ("NOUN", "PROPN"))
        heads.extend(g for c in h.children if c.dep_ == "prep" and c.lower_ == "in"
                     for g in c.children if g.dep_ == "pobj" and g.pos_ == "NOUN")
    for h in heads:
        for c in h.children:
            if c.dep_ != "prep" or c.lower_ not in PLACE_PREPS:
                continue
            for g in c.children:
                if g.dep_ == "pobj" and g.i not in skip and is_place(g):
                    return g
    return None


GEO_NOUNS = frozenset(
    "region province city town village area outskirts capital border district state part north south east west "
    "centre center coast suburb county territory zone".split()
)


def is_place(tok: Token) -> bool:
    """A GPE/LOC/FAC name, or a common noun named by a proper noun ("the Kadamovskiy training ground")."""
    if tok.ent_type_ in PLACE_ENTS:
        return True
    if tok.ent_type_ or tok.pos_ != "NOUN":
        return False
    for c in tok.children:
        if c.dep_ in ("compound", "amod") and (c.pos_ == "PROPN" or c.ent_type_ in PLACE_ENTS) \
                and c.ent_type_ not in ("DATE", "TIME", "NORP"):
            return True
        if c.dep_ == "prep" and c.lower_ == "of" and tok.lemma_ in GEO_NOUNS:
            if any(g.dep_ == "pobj" and g.ent_type_ in PLACE_ENTS for g in c.children):
                return True
    return False


def phrase(tok: Token, max_tokens: int = 8) -> tuple[int, int]:
    """Char span of a noun phrase (its subtree), without a leading determiner, cut to max_tokens."""
    toks = [t for t in tok.subtree if not t.is_space]
    if toks and toks[0].lower_ in DETERMINERS and toks[0].dep_ in ("det", "poss"):
        toks = toks[1:]
    toks = toks[:max_tokens]
    while toks and toks[-1].is_punct:
        toks.pop()
    if not toks:
        return tok.idx, tok.idx + len(tok.text)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)
