"""Who and where around an event trigger: its source (subject), its targets, its place, and phrase spans."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from app.extract.actors.index import ActorIndex
from app.extract.actors.lexicon import REFERENCE_NOUNS
from app.extract.events.lexicon import (
    AGENTIVE_PASSIVES,
    DETERMINERS,
    FIRST_PERSON,
    GEO_NOUNS,
    INTENT,
    PERSON_NOUNS,
    PLACE_PREPS,
    PLANNING,
    PRONOUNS,
    REFUSE,
    RELATIVE_PRONOUNS,
    TARGET_PREPS,
    TRYING,
)

PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})
NOT_AGENT_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY"})
OBJECT_DEPS = ("dobj", "obj", "dative", "iobj", "oprd")
MAX_CHAIN = 8          # xcomp/conj/advcl links followed up to a subject
MAX_REPORT_DEPTH = 10  # heads climbed to find the reporting clause of a pronoun
MAX_NP_DEPTH = 2       # of-phrases followed to the actor of a noun phrase
IT_KINDS = frozenset({"product", "organization", "country"})
ANAPHOR_WINDOW = 600   # characters back a definite "the company" looks for the organisation it stands for


class ActorTokens:
    """Token index -> actor id for one doc: the actors' mention tokens plus demonyms of country actors."""

    def __init__(self, doc: Doc, index: ActorIndex) -> None:
        self.by_token: dict[int, str] = index.token_actors(doc)
        self.index = index
        self.names: dict[str, str] = {a.id: a.name for a in index.actors}
        self.persons: set[int] = {i for i, a in self.by_token.items() if index.kind(a) == "person"}
        countries = [(a.id, a.name.lower()) for a in index.actors if a.kind == "country"]
        if countries:
            for ent in doc.ents:
                if ent.label_ == "NORP" and len(ent) == 1 and ent.start not in self.by_token:
                    actor_id = demonym(ent.text.lower(), countries)
                    if actor_id:
                        self.by_token[ent.start] = actor_id

    def actor(self, tok: Token | None, depth: int = 0) -> str | None:
        """The actor a noun phrase head stands for: the head itself, else its modifiers ("Russian officials"),
        else its of-phrase ("leaders of the Azadliq coalition"), else for a common noun its in-phrase
        ("security forces in Guinea")."""
        if tok is None:
            return None
        if tok.i in self.by_token:
            return self.by_token[tok.i]
        if tok.pos_ == "NOUN" and any(c.dep_ == "poss" for c in tok.children) and (named := self._apposition(tok)):
            return named  # "Boeing's newest aircraft, the 787 Dreamliner": the 787, not its owner or maker
        for c in tok.children:
            if c.dep_ in ("compound", "amod", "poss", "nmod", "appos") and c.i < tok.i + 4:
                if c.i in self.by_token:
                    return self.by_token[c.i]
                if c.dep_ in ("amod", "nmod", "compound"):   # "Vietnamese-led forces", "the Sudanese government"
                    for g in c.children:
                        if g.dep_ in ("npadvmod", "compound", "amod") and g.i in self.by_token:
                            return self.by_token[g.i]
        if (named := self._definite(tok)) is not None:
            return named
        if depth >= MAX_NP_DEPTH:
            return None
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for g in c.children:
                    if g.dep_ == "pobj" and (found := self.actor(g, depth + 1)):
                        return found
        if tok.pos_ == "NOUN" and tok.lower_ not in PRONOUNS:
            for c in tok.children:
                if c.dep_ == "prep" and c.lower_ == "in":
                    for g in c.children:
                        if g.dep_ == "pobj" and g.i in self.by_token:
                            return self.by_token[g.i]
        return None

    def _apposition(self, tok: Token) -> str | None:
        """The actor an apposition names ("the aircraft, the 787 Dreamliner"), on its head or a name word of it."""
        for c in tok.children:
            if c.dep_ != "appos":
                continue
            if c.i in self.by_token:
                return self.by_token[c.i]
            for g in c.children:
                if g.dep_ in ("compound", "nummod") and g.i in self.by_token:
                    return self.by_token[g.i]
        return None

    def _definite(self, tok: Token) -> str | None:
        """The actor a bare definite description stands for: "the airline" or "the company" is the organisation
        the text named last before it, "the country" the country (within ANAPHOR_WINDOW characters)."""
        kind = REFERENCE_NOUNS.get(tok.lemma_.lower())
        if kind is None or tok.pos_ != "NOUN" or tok.tag_ not in ("NN", "NNP"):
            return None
        before = [c for c in tok.children if c.i < tok.i]
        if not any(c.dep_ == "det" and c.lower_ == "the" for c in before) or (kind == "product" and len(before) > 1):
            return None  # "the airline", "the plane"; "the only remaining jet aircraft" is no retelling
        return self.index.last_before(tok.idx, kind, ANAPHOR_WINDOW)

    def it(self, tok: Token) -> str | None:
        """The thing a subject "it" stands for: the product, organisation or country last named as a subject
        in its sentence or the one before ("The A380 will be the largest airliner when it enters service").
        An "it" that only opens its clause ("it is expected that ...") stands for nothing."""
        head = tok.head
        opening = head.lemma_ == "be" and any(c.dep_ in ("ccomp", "csubj") for c in head.children)
        opening = opening or (head.tag_ == "VBN" and any(c.dep_ == "ccomp" and c.i > head.i for c in head.children))
        if tok.dep_ == "expl" or opening:
            return None
        sent = tok.sent
        first = sent.start
        if first > 0:
            first = tok.doc[first - 1].sent.start
        for t in reversed(tok.doc[first:tok.i]):
            if t.dep_ in ("nsubj", "nsubjpass") and t.lower_ not in PRONOUNS:
                actor_id = self.actor(t)
                if actor_id is not None and self.index.kind(actor_id) in IT_KINDS:
                    return actor_id
        return None

    def actors_of(self, tok: Token | None) -> list[str]:
        """The actors of a noun phrase and its conjuncts ("Russia and China"), in order, once each."""
        if tok is None:
            return []
        out: list[str] = []
        for t in [tok, *tok.conjuncts]:
            a = self.actor(t)
            if a and a not in out:
                out.append(a)
        return out


def demonym(word: str, countries: list[tuple[str, str]]) -> str | None:
    """'russian' -> Russia, 'chinese' -> China, 'turkish' -> Turkey, by shared stem with a country actor's name."""
    best, best_len = None, 0
    for actor_id, name in countries:
        n = 0
        for a, b in zip(word, name, strict=False):
            if a != b:
                break
            n += 1
        if n >= 4 and n >= min(len(word), len(name)) - 2 and n > best_len:
            best, best_len = actor_id, n
    return best


def _subject_step(t: Token, patient: Token | None) -> tuple[bool, Token | None, Token | None, Token | None]:
    """One verb of the subject search: (done, subject, patient, next verb to climb to)."""
    subj = agent = None
    relative = t.dep_ == "relcl" and t.head is not t
    for c in t.children:
        if c.dep_ in ("nsubj", "csubj"):
            subj = t.head if relative and c.lower_ in RELATIVE_PRONOUNS else c
        elif c.dep_ == "nsubjpass" and t.lemma_.lower() in AGENTIVE_PASSIVES:
            subj = c                     # "Serb forces were engaged in", "Israel is opposed to"
        elif c.dep_ == "nsubjpass" and patient is None:
            patient = t.head if relative and c.lower_ in RELATIVE_PRONOUNS else c
        elif c.dep_ == "agent":   # not a date or a number: "would have been delivered by 2011"
            agent = next((g for g in c.children if g.dep_ == "pobj" and g.ent_type_ not in NOT_AGENT_ENTS
                          and not g.like_num), None)
    if agent is not None:
        return True, agent, patient, None
    if subj is not None:
        return True, subj, patient, None
    if t.dep_ in ("acomp", "xcomp") and t.pos_ == "ADJ" and t.head is not t:
        return False, None, patient, t.head
    if t.dep_ == "acl" and t.tag_ == "VBN" and patient is None:
        patient = t.head
    if t.dep_ == "acl" and t.tag_ == "VBG" and t.head.pos_ in ("NOUN", "PROPN"):
        noun = t.head
        if not _agent_like(noun) and noun.dep_ in ("dobj", "obj") and noun.head.pos_ == "VERB":
            return False, None, patient, noun.head  # "issued a declaration demanding ...": the issuer
        return True, noun, patient, None            # "protesters demanding ..."
    if t.dep_ == "acl" and any(c.dep_ == "aux" and c.tag_ == "TO" for c in t.children):
        # "won a contract to supply X": the infinitive's subject is the holder of the noun
        noun = t.head
        if noun.dep_ in ("dobj", "obj", "attr") and noun.head.pos_ in ("VERB", "AUX"):
            return False, None, patient, noun.head
        if noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ in ("VERB", "AUX"):
            return False, None, patient, noun.head.head
        return True, None, patient, None
    if t.dep_ in ("xcomp", "conj", "advcl") and t.head is not t:
        head = t.head
        if t.dep_ == "xcomp":
            obj_controller = next((c for c in head.children if c.dep_ in ("dobj", "obj")), None)
            if obj_controller is not None and head.lemma_ not in INTENT | PLANNING | TRYING | REFUSE:
                return True, obj_controller, patient, None
        if t.dep_ == "advcl" and not any(c.dep_ == "aux" and c.tag_ == "TO" for c in t.children) \
                and t.tag_ != "VBG":
            return True, None, patient, None
        return False, None, patient, head
    return True, None, patient, None


def _agent_like(tok: Token) -> bool:
    """A noun that can act: a name, a named entity or a noun for people."""
    return tok.pos_ == "PROPN" or tok.ent_type_ in ("PERSON", "NORP", "ORG", "GPE") or \
        tok.lemma_.lower() in PERSON_NOUNS


def subject(tok: Token) -> tuple[Token | None, Token | None]:
    """(agent-like subject token, patient subject of a passive) of a verb, inheriting through xcomp/conj."""
    patient: Token | None = None
    t: Token | None = tok
    for _ in range(MAX_CHAIN):
        if t is None:
            break
        done, subj, patient, t = _subject_step(t, patient)
        if done:
            return subj, patient
    return None, patient


def resolve_subject(tok: Token | None, anchor: Token, index: ActorTokens) -> list[str]:
    """Actors of a subject; a pronoun inside a reported clause takes the reporting verb's subject."""
    if tok is None:
        return []
    found = index.actors_of(tok)
    if found or tok.lower_ not in PRONOUNS:
        return found
    t = anchor
    for _ in range(MAX_REPORT_DEPTH):
        if t.dep_ == "ccomp" and t.head is not t:
            s, _p = subject(t.head)
            return index.actors_of(s)
        if t.head is t:
            break
        t = t.head
    if tok.lower_ == "it" and (it := index.it(tok)) is not None:
        return [it]
    return []


def targets(trigger: Token, anchor: Token, patient: Token | None, index: ActorTokens, source: str | None) -> list[str]:
    """Actors the event is done to: the passive subject, objects, to/with/against objects, noun modifiers."""
    found: list[str] = []

    def add(tok: Token) -> None:
        for a in index.actors_of(tok):
            if a != source and a not in found:
                found.append(a)

    if patient is not None:
        add(patient)
    for head in {trigger, anchor}:
        for c in head.children:
            if c.dep_ in OBJECT_DEPS:
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


def co_subjects(subj: Token | None, index: ActorTokens, source: str | None) -> list[str]:
    """The other actors of a coordinated subject ("Russia and China agreed"): the source's counterparts."""
    if subj is None or not subj.conjuncts:
        return []
    return [a for a in index.actors_of(subj) if a != source]


def subject_in_quote(subj: Token | None, speaker: str | None) -> str | None:
    """Inside a direct quote, "I"/"we" stand for the speaker."""
    if subj is not None and speaker and subj.lower_ in FIRST_PERSON:
        return speaker
    return None
