"""The one place an event gets its PLOVER type: ``event_type(trigger, args)``.

Everything the decision may use travels in ``Arguments``: the trigger table's reading of the trigger word in
its own context (``lexical``), the control frame it was folded into, the clause's subject and patient, the
actors found for it and its mood.  Words elsewhere in the sentence play no part, except that an after/before
clause beside another typed act is the scene, not the news (``circumstance``).  When one sentence holds several
typed events, the trained gate in ``confidence`` may then clear the unlikely ones (never the likeliest).
"""

from __future__ import annotations

from spacy.tokens import Token

from app.extract.events.clause import Arguments
from app.extract.events.lexicon import DEMAND_MODALS, HAZARD_WORDS, PROTESTERS, SPEECH, WEAPON_WORDS
from app.vocab import COOPERATIVE, MATERIAL_CONFLICT

FRAME_TYPES = {"intent": "AGREE", "refuse": "REJECT", "request": "REQUEST", "threaten": "THREATEN"}
HARM_TYPES = frozenset({"ASSAULT", "COERCE", "THREATEN", "MOBILIZE", "AID", "REQUEST"})
CAUSE_DEPS = frozenset({"advcl", "conj", "xcomp"})
MAX_CAUSE_CLIMB = 5
PURPOSE_DEPS = frozenset({"advcl", "acl", "xcomp", "conj"})
STRONG_DEMAND = frozenset({"must"})   # a demand even when the speaker is no known actor
MAX_PATIENT_TOKENS = 25  # a longer patient phrase is read only at its head


def _is_hazard(tok: Token | None) -> bool:
    """A noun or verb of an accident or natural disaster ("the crash", "a chemical plant exploded")."""
    if tok is None:
        return False
    if tok.lemma_.lower() in HAZARD_WORDS or tok.lower_ in HAZARD_WORDS:
        if tok.pos_ == "VERB":
            args = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
            args += [g for a in args for p in a.children if p.dep_ == "prep" and p.lower_ == "of"
                     for g in p.children if g.dep_ == "pobj"]
            return not any(_is_weapon(a) for a in args)
        sub = list(tok.subtree)   # "a car bomb explosion", "an explosion caused by a landmine"
        return len(sub) > MAX_PATIENT_TOKENS or not any(t.lemma_.lower() in WEAPON_WORDS for t in sub)
    if tok.lemma_.lower() in WEAPON_WORDS:
        return False
    mods = [c for c in tok.children if c.dep_ in ("compound", "amod")]
    mods += [g for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
    mods += [m for g in mods if g.dep_ == "pobj" for m in g.children if m.dep_ in ("compound", "amod")]
    return any(m.lemma_.lower() in HAZARD_WORDS for m in mods)   # "a plume of leaked chemicals"


def _is_weapon(tok: Token) -> bool:
    return tok.lemma_.lower() in WEAPON_WORDS or any(
        c.dep_ in ("compound", "amod") and c.lemma_.lower() in WEAPON_WORDS for c in tok.children)


def caused_by_hazard(trigger: Token, args: Arguments) -> bool:
    """Harm done by an accident or a disaster: its subject, a by/in phrase, a when-clause or the clause it
    hangs from ("crashed into the sea, killing all on board") names one."""
    if _is_hazard(args.subject):
        return True
    if any(c.dep_ in ("nsubj", "nsubjpass", "npadvmod", "compound") and _is_hazard(c) for c in trigger.children):
        return True
    if args.patient is not None and len(list(args.patient.subtree)) <= MAX_PATIENT_TOKENS \
            and any(_is_hazard(t) for t in args.patient.subtree if t is not args.patient):
        return True        # "one of the people on board the aircraft that crashed has been rescued"
    verbs = [args.anchor]
    t = args.anchor
    for _ in range(MAX_CAUSE_CLIMB):
        if t.dep_ not in CAUSE_DEPS or t.head is t:
            break
        t = t.head
        verbs.append(t)
    # what the act is fought against: "fought against the flames", "their battle to contain several wildfires"
    objs = [c for c in trigger.children if c.dep_ in ("dobj", "obj") and trigger.pos_ == "NOUN"]
    objs += [g for c in trigger.children if c.dep_ == "prep" and c.lower_ in ("against", "with", "of")
             for g in c.children if g.dep_ == "pobj"]
    objs += [g for c in trigger.children if c.dep_ == "acl" for g in c.children if g.dep_ in ("dobj", "obj")]
    if any(_is_hazard(o) for o in objs):
        return True
    for t in args.anchor.subtree:   # a when/after clause anywhere in the clause ("killed and injured when ...")
        if t.dep_ == "advcl" and t is not args.anchor and (_is_hazard(t) or any(
                g.dep_ in ("nsubj", "nsubjpass") and _is_hazard(g) for g in t.children)):
            return True
    heads = set(verbs[1:])
    verbs += [x for v in list(verbs) for x in v.conjuncts if x.pos_ == "VERB" and x not in verbs]
    for v in verbs:
        if v in heads and _is_hazard(v):
            return True
        for c in v.children:
            if c.dep_ in ("nsubj", "csubj", "nsubjpass") and v is not args.anchor and _is_hazard(c):
                return True
            if c.dep_ in ("prep", "agent") and c.lower_ in ("in", "by", "from", "after", "during"):
                if any(g.dep_ == "pobj" and _is_hazard(g) for g in c.children):
                    return True
            if c.dep_ == "advcl" and (_is_hazard(c) or any(
                    g.dep_ in ("nsubj", "nsubjpass") and _is_hazard(g) for g in c.children)):
                return True
    return False


def _demands(clause: Token | None, modals: frozenset[str] = DEMAND_MODALS) -> bool:
    """A clause that says what someone must do ("that Sudan must return the helicopter")."""
    return clause is not None and any(x.dep_ == "aux" and x.lower_ in modals for x in clause.children)


def _agentive(clause: Token) -> bool:
    """Whether a reported clause tells what someone will do: its subject is a person, a group or a pronoun."""
    subj = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None:
        return True
    return subj.pos_ in ("PRON", "PROPN") or subj.ent_type_ in ("PERSON", "NORP", "ORG", "GPE")


def event_type(trigger: Token, args: Arguments) -> str | None:
    """The PLOVER type of the event on ``trigger``, or None when the clause is no political event."""
    typ = FRAME_TYPES[args.frame] if args.frame else args.lexical
    if args.background or args.circumstance:
        return None
    if typ is None:
        speaks = trigger.lemma_.lower() in SPEECH or (args.complement is not None and args.complement.dep_ == "acl")
        if speaks and _demands(args.complement) and (args.source or _demands(args.complement, STRONG_DEMAND)):
            return "REQUEST"       # "Russia said Sudan must return ...": a demand made by speaking
        if args.announced and any(c.dep_ in ("dobj", "obj") for c in trigger.children):
            # "the RUF announced it will return weapons": a commitment; "will not accept": a refusal
            return "REJECT" if args.modality == "negated" else "AGREE"
        if args.condition == "unless" and args.mood in ("planned", "possible") and args.source \
                and any(c.dep_ in ("dobj", "obj") for c in trigger.children):
            return "THREATEN"      # "will close its border unless ...": a conditional threat
        return None
    if not args.frame and args.mood in ("demanded", "proposed", "conditional"):
        return None                # what is demanded, proposed or set as a condition has not happened
    if typ == "REQUEST" and args.governing_type in MATERIAL_CONFLICT and args.anchor.dep_ in PURPOSE_DEPS:
        return None                # "blocked streets to demand reforms": the demand of a protest
    if typ == "ACCUSE" and args.governing_type in MATERIAL_CONFLICT \
            and args.anchor.dep_ in ("advcl", "acl", "xcomp"):
        return None                # "marched to denounce violence": the message of a protest
    if args.condition == "unless" and args.mood in ("planned", "possible") and args.source:
        return "THREATEN"          # "will withdraw its force unless ...": a conditional threat
    if not args.frame and args.announced:
        typ = "AGREE" if typ in COOPERATIVE else "THREATEN" if typ in MATERIAL_CONFLICT else typ
    if args.modality == "negated" and typ in COOPERATIVE and typ != "RETREAT" and args.source:
        return "REJECT"            # "failed to reach agreement", "will not accept"
    if typ in HARM_TYPES and caused_by_hazard(trigger, args):
        return None
    if args.machine_agent and typ not in MATERIAL_CONFLICT:
        return None                # "the airliner will fly to Sydney": a machine's trip is no visit, its
        # "promises" no pledge; harm done by one ("a drone struck the convoy") keeps its type
    if typ == "AID" and not args.source:
        return None                # aid is given by someone: "a wide area was evacuated" is no aid
    if typ == "THREATEN" and not args.frame and not args.source and args.complement is not None \
            and not _agentive(args.complement):
        return None                # "forecasters warned the dry conditions would continue": a forecast
    if typ == "REQUEST" and not args.source and args.subject is None:
        return None                # "crews were called": no one asked
    if typ == "ASSAULT" and _protesters_act(trigger, args):
        return "PROTEST"           # "protesters clashed with police": a violent protest
    return typ


def _protesters_act(trigger: Token, args: Arguments) -> bool:
    """Whether protesters are the agents: the subject, or the parties of a clash ("clashes between protesters")."""
    agents = [args.subject] if args.subject is not None else []
    agents += [g for c in trigger.children if c.dep_ == "prep" and c.lower_ in ("between", "among")
               for g in c.children if g.dep_ == "pobj"]
    if trigger.pos_ == "NOUN":
        agents += [c for c in trigger.children if c.dep_ in ("compound", "amod", "poss")]
    return any(t.lemma_.lower() in PROTESTERS or any(x.lemma_.lower() in PROTESTERS for x in t.conjuncts)
               for t in agents)
