"""The one-line headline of an event, read as a sentence: "Russia presented the draft treaty to the US and NATO".

The clause's own verb group is kept as written when it is finite ("is preparing to respond", "should not
expect"); a non-finite clause ("..., killing 228 people", "to invade Ukraine") gets a finite verb from its
reading: "will" for planned, "may" for possible, "did not" for negated, the past tense when asserted.
"""

from __future__ import annotations

from spacy.tokens import Token

from app.extract.events.frames import ASSERTED, NEGATED, PLANNED
from app.extract.events.lexicon import PAST_TENSE, SPEECH, SUMMARY_PREPS
from app.extract.events.triggers import Cand

SOURCE_TOKENS = 5   # the longest source phrase a headline quotes when the source is no actor
OBJECT_TOKENS = 7   # the longest object phrase a headline quotes
COMPLEMENT_TOKENS = 4  # the longest object phrase of an unfolded infinitive ("to take over Aer Lingus")
TARGET_TOKENS = 8   # the longest target phrase ("to the US and NATO")
MAX_TARGETS = 3
NOUN_TOKENS = 10    # the longest noun phrase a nominal event's headline quotes
QUOTE_MARKS = ('"', "“", "”", "``", "''", "‘", "’ ")
SAID_TOKENS = 10    # the words of what was said a speech event's headline quotes ("said the contract had been ...")
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
GROUP_DEPS = frozenset({"aux", "auxpass", "neg"})


def squash(text: str, start: int, end: int) -> str:
    """The text of [start, end) with its whitespace runs collapsed to single spaces."""
    return " ".join(text[start:end].split())


def clip(headline: str, max_chars: int) -> str:
    """The headline, at most ``max_chars`` long, cut at a word boundary with an ellipsis when too long."""
    if len(headline) <= max_chars:
        return headline
    cut = headline[:max_chars - 1]
    return (cut[:cut.rfind(" ")] if " " in cut else cut).rstrip(" ,;:–-") + "…"


def past(lemma: str) -> str:
    """The past tense of a verb lemma: the irregular table, else the regular -ed form."""
    if lemma in PAST_TENSE:
        return PAST_TENSE[lemma]
    if lemma.endswith("e"):
        return lemma + "d"
    if len(lemma) > 2 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    return lemma + "ed"


def present_3sg(lemma: str) -> str:
    """The third-person singular present of a verb lemma ("intend" -> "intends", "try" -> "tries")."""
    if lemma == "be":
        return "is"
    if lemma == "have":
        return "has"
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        return lemma + "es"
    if len(lemma) > 2 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"


def _first_person_subject(verb: Token) -> bool:
    return any(c.dep_ == "nsubj" and c.lower_ in ("we", "i") for c in verb.children)


def _complement(verb: Token) -> list[str]:
    """The infinitive a verb governs when it was not folded into the event ("intend to require competition",
    "has been attempting to take over Aer Lingus"): 'to', the verb and its object, a few words."""
    if any(x.dep_ in ("dobj", "obj") for x in verb.children):
        return []  # "would require the alliance not to deploy": the object's own event says what it must do
    comp = next((x for x in verb.children if x.dep_ == "xcomp" and x.pos_ == "VERB"
                 and any(a.dep_ == "aux" and a.tag_ == "TO" for a in x.children)), None)
    if comp is None:
        return []
    negated = any(x.dep_ == "neg" for x in comp.children)
    words = (["not"] if negated else []) + ["to", comp.text] + [x.text for x in comp.children if x.dep_ == "prt"]
    obj = next((x for x in comp.children if x.dep_ in ("dobj", "obj")), None)
    if obj is not None:
        words.append(noun_phrase(obj.doc.text, obj, COMPLEMENT_TOKENS))
    return words


def _word(t: Token) -> str:
    """A verb-group word as written, contractions spelled out ("'ve" -> "have", "n't" -> "not")."""
    if t.text[:1] in ("'", "’") or t.lower_ in ("n't", "n’t"):
        return t.norm_
    return t.text


def _group(head: Token) -> list[Token]:
    """The verb group of a clause head: its auxiliaries and negation before it, and the head."""
    return sorted([x for x in head.children if x.dep_ in GROUP_DEPS and x.i < head.i] + [head], key=lambda t: t.i)


def _finite(group: list[Token]) -> bool:
    return any(t.tag_ in FINITE_TAGS for t in group if t.lower_ != "to")


def _verb_words(c: Cand, mood: str, mod: str) -> list[str]:
    """The verb group, kept as written when finite, else made finite from the clause's reading."""
    head = c.governor if c.frame and c.governor is not None else c.anchor
    group = [t for t in _group(head) if not (t.tag_ == "TO" and t.dep_ == "aux")]
    rest: list[str] = []
    if c.frame and c.governor is not None:
        if head.pos_ == "ADJ":
            rest.append(head.text)
        obj = next((x for x in head.children if x.dep_ in ("dobj", "obj") and x.i < c.anchor.i), None)
        if obj is not None:      # "asked visitors to stay away"
            rest.extend(t.text for t in list(obj.subtree)[:OBJECT_TOKENS] if not t.is_space)
        rest.append("to")
        rest.extend(t.text for t in _group(c.anchor) if t.dep_ != "aux" or t.tag_ != "TO")
    rest.extend(x.text for x in c.anchor.children if x.dep_ == "prt")
    if c.trigger is not c.anchor:
        rest.extend(w.text for w in c.words if w is not c.anchor and w is not head and w.i > c.anchor.i)
    if head.pos_ == "ADJ" and c.frame:
        cop = head.head if head.dep_ == "acomp" else head
        words = [_word(t) for t in _group(cop) if t is not head] or ["is"]
        return words + rest
    if not c.frame:
        rest += _complement(head)
    if _finite(group) and not (mod == PLANNED and head.tag_ in ("VBZ", "VBP") and len(group) == 1):
        words = [_word(t) for t in group]
        # (a main verb only when other words of the evidence follow it: the summary keeps a word it shares)
        main_only = len(group) == 1 and not (rest or any(x.dep_ in ("dobj", "obj") for x in head.children))
        if _first_person_subject(head) and group[0].tag_ in ("VBP", "VBD") and not main_only:
            # "we intend", "we have selected" said by Wolfowitz: "Wolfowitz intends", "Wolfowitz has selected"
            first = group[0]
            words[0] = "was" if first.lower_ == "were" else first.text if first.tag_ == "VBD" \
                else present_3sg(first.lemma_.lower())
        return words + rest
    lemma = head.lemma_.lower()
    neg = any(t.dep_ == "neg" for t in group)
    # a passive keeps its voice: 'Singapore Airlines to be compensated' -> 'will be compensated'
    verb = ["be", head.text] if any(t.dep_ == "auxpass" for t in group) and head.tag_ == "VBN" else [lemma]
    if mod == PLANNED and not neg:
        lead = ["will", *verb]
    elif mod == NEGATED or neg:
        plural = any(x.dep_ == "nsubjpass" and (x.tag_ in ("NNS", "NNPS") or x.lower_ in ("they", "we"))
                     for x in head.children)
        done = ["were not" if plural else "was not", head.text] if len(verb) == 2 else ["did not", lemma]
        lead = done if mood in (ASSERTED, NEGATED) else ["may not", *verb]
    elif mod != ASSERTED:
        lead = ["may", *verb]
    elif any(t.dep_ == "auxpass" for t in group) or (head.tag_ == "VBN" and c.trigger is c.anchor and \
            head.dep_ in ("acl", "amod")):
        lead = [head.text]
    else:
        lead = [past(lemma)]
    return lead + rest


def _targets_text(text: str, c: Cand, target_names: list[str], target_tokens: set[int], said: str,
                  has_object: bool) -> list[str]:
    """The prepositional phrases that hold a target ("to the US and NATO"), then targets not named yet."""
    out: list[str] = []
    other: list[str] = []  # a target inside another phrase ('in Everett'): said as the text says it
    heads = [c.anchor] + ([c.governor] if c.governor is not None else []) + \
        ([c.trigger] if c.trigger is not c.anchor else [])
    for h in heads:
        for x in h.children:
            if x.dep_ in ("prep", "dative") and any(t.i in target_tokens for t in x.subtree):
                toks = [t for t in x.subtree if not t.is_space][:TARGET_TOKENS]
                while toks and toks[-1].is_punct:
                    toks.pop()
                if toks:
                    phrase = squash(text, toks[0].idx, toks[-1].idx + len(toks[-1].text))
                    (out if x.lower_ in SUMMARY_PREPS else other).append(phrase)
    said = (said + " " + " ".join(out)).lower()
    names = [n for n in dict.fromkeys(target_names) if n.lower() not in said]
    if names:
        prep = "with" if c.type in ("CONSULT", "COOPERATE", "AGREE") else "against" if c.type else "with"
        if not out and other:
            out.append(other[0])
        elif not out and not has_object:
            out.append(prep + " " + " and ".join(names[:MAX_TARGETS]))
    return out


def summary(text: str, c: Cand, source_name: str | None, source_tok: Token | None, mood: str, mod: str,
            target_names: list[str], target_tokens: set[int], max_chars: int) -> str:
    """Source, verb group, object and targets, cut to ``max_chars``; a nominal event's own noun phrase."""
    if c.trigger.pos_ in ("NOUN", "PROPN") and (c.trigger is c.anchor or (
            c.anchor.lemma_ == "be" and c.trigger.dep_ == "attr")):   # "there will be a protest of the award"
        aside = {t.i for x in c.trigger.children if x.dep_ in ("relcl", "appos") or (x.dep_ == "acl" and not any(
            a.tag_ == "TO" for a in x.children)) for t in x.subtree}   # "the decision to outsource" keeps its verb
        toks = [t for t in c.trigger.subtree if not t.is_space and t.i not in aside
                and not (t.i > c.trigger.i and t.dep_ == "punct")][:NOUN_TOKENS]
        while toks and (toks[-1].is_punct or toks[-1].pos_ in ("ADP", "CCONJ", "DET")):
            toks.pop()
        head = squash(text, toks[0].idx, toks[-1].idx + len(toks[-1].text)) if toks else c.trigger.text
        if source_name and source_name.lower() not in head.lower():
            head = f"{source_name}: {head}"
        return clip(" ".join([head, *_what_befell(text, c.trigger)]), max_chars)
    parts: list[str] = []
    by_agent = _passive_subject(c.anchor, source_name, source_tok)
    if by_agent is not None:    # "the deal had been killed by Pentagon", not "Pentagon had been killed"
        parts.append(noun_phrase(text, by_agent, SOURCE_TOKENS))
    elif source_name and source_tok is not None and as_written(text, source_tok, source_name):
        parts.append(noun_phrase(text, source_tok, SOURCE_TOKENS))   # "US officials said", not "United States said"
    elif source_name:
        parts.append(source_name)
    elif source_tok is not None and source_tok.lower_ not in ("which", "who", "that"):
        parts.append(noun_phrase(text, source_tok, SOURCE_TOKENS))
    elif (subject := _unnamed_subject(text, c.anchor)) is not None:
        parts.append(subject)
    verb = c.anchor
    if c.trigger is not verb and c.trigger.i < verb.i and c.trigger.dep_ in ("nsubj", "nsubjpass"):
        # "negotiations were opened", "talks began": the event noun is the clause's subject
        parts = ([source_name] if source_name else []) + [noun_phrase(text, c.trigger, SOURCE_TOKENS, keep_of=True)]
        parts += [_word(t) for t in _group(verb)]
        parts += [x.text for x in verb.children if x.dep_ in ("prt", "acomp")]
        return clip(" ".join(parts), max_chars)
    if not parts and verb.dep_ == "acl" and verb.tag_ == "VBN" and c.trigger is verb:
        # "The draft, prepared without consultation": the draft was prepared
        parts += [noun_phrase(text, verb.head, SOURCE_TOKENS), "were" if verb.head.tag_ == "NNS" else "was"]
        parts.append(verb.text)
        parts.extend(_targets_text(text, c, target_names, target_tokens, " ".join(parts), False))
        return clip(" ".join(parts), max_chars)
    parts.extend(_verb_words(c, mood, mod))
    if by_agent is not None and source_name:
        parts.append("by " + (noun_phrase(text, source_tok, SOURCE_TOKENS) if source_tok is not None
                              and as_written(text, source_tok, source_name) else source_name))
    bare = len(parts)   # who and the verb group: what an intransitive verb's adjunct completes
    obj = next((x for x in verb.children if x.dep_ in ("dobj", "obj", "attr", "oprd") and x is not c.trigger
                and x not in c.words), None)
    if obj is None and verb.dep_ == "acl" and verb.tag_ == "VBN" and source_name:
        obj = verb.head          # "a draft treaty presented ... by the Foreign Ministry"
    if obj is not None:
        parts.append(noun_phrase(text, obj, OBJECT_TOKENS, keep_of=True))
    elif c.trigger is verb:   # "Airbus has warned there could be additional charges", "Angers said “…”"
        parts.extend(_what_was_said(text, verb, verb.lemma_.lower() in SPEECH))
    parts.extend(_targets_text(text, c, target_names, target_tokens, " ".join(parts), obj is not None))
    if len(parts) == bare and c.trigger is verb:   # no object, nothing said, no target phrase
        parts.extend(_adjunct(text, verb))   # "Boeing has entered into an agreement with Sukhoi"
    out = " ".join(p for p in parts if p)
    return clip(out, max_chars)


BREAKS = ("(", "[", "—", "–", ";")  # an adjunct is cut where an aside or another clause begins
ADJUNCT_TOKENS = 6  # the longest phrase an intransitive verb's headline takes from its first adjunct


def _adjunct(text: str, verb: Token, agent: bool = False) -> list[str]:
    """The first phrase after an intransitive verb that says where, to what or by how much ("fell 2.5 percent
    to $2.73", "landed at Singapore's Changi International Airport", "transferred to the C-17 program"), not a
    date (the event's date says when)."""
    out: list[str] = []
    for x in verb.children:
        if x.i < verb.i or x.dep_ not in ("prep", "npadvmod") + (("agent",) if agent else ()):
            continue   # (a by-agent is the source, named already, unless the clause is an event noun's)
        toks = [t for t in x.subtree if not t.is_space]
        if x.dep_ in ("prep", "agent") and not any(o.dep_ in ("pobj", "pcomp") for o in x.children):
            break   # a stranded preposition ("the people worked on")
        if any(t.ent_type_ in ("DATE", "TIME") for t in toks) or (x.dep_ == "npadvmod" and not x.like_num
                                                                  and not any(t.like_num for t in x.children)):
            break
        while toks and toks[0].text in BREAKS:  # "(often with the use of …)": the bracket hangs on the preposition
            toks.pop(0)
        cut = next((k for k, t in enumerate(toks) if t.text in BREAKS), len(toks))
        toks = _trimmed(toks[:min(cut, ADJUNCT_TOKENS)])
        if not toks or (len(toks) == 1 and x.dep_ != "npadvmod"):
            break   # nothing but the preposition is left ("crumpled against it")
        out.append(squash(text, toks[0].idx, toks[-1].idx + len(toks[-1].text)))
        if x.dep_ != "npadvmod":
            break
    return out


def _what_befell(text: str, noun: Token) -> list[str]:
    """What the clause says of an event noun that is its subject ("The deal was approved by China Eastern's
    board", "The project has been plagued by various issues"): the verb group and its first adjunct; nothing
    for a copula ("The sale is the result of …") or a noun that is no subject."""
    verb = noun.head
    if noun.dep_ not in ("nsubj", "nsubjpass") or verb.pos_ != "VERB" or verb.lemma_.lower() == "be":
        return []
    words = [_word(t) for t in _group(verb)] + [x.text for x in verb.children if x.dep_ in ("prt", "acomp")]
    obj = next((x for x in verb.children if x.dep_ in ("dobj", "obj")), None)
    if obj is not None:     # "The order … has given a boost"
        return [*words, noun_phrase(text, obj, OBJECT_TOKENS)]
    return words + _adjunct(text, verb, agent=True)


def _passive_subject(verb: Token, source_name: str | None, source_tok: Token | None) -> Token | None:
    """A passive clause's subject when the source is its by-agent ("the deal had been killed by the
    Pentagon"), so the headline keeps the clause's voice; else None."""
    if not source_name or not any(x.dep_ == "auxpass" for x in verb.children):
        return None
    if not any(x.dep_ == "agent" for x in verb.children):
        return None
    subject = next((x for x in verb.children if x.dep_ == "nsubjpass"), None)
    if subject is None or subject.lower_ in ("which", "who", "that") or \
            (source_tok is not None and source_tok.i == subject.i):
        return None
    return subject


def _unnamed_subject(text: str, verb: Token) -> str | None:
    """What the clause is about when no actor did it: its passive subject (the noun a relative pronoun
    stands for: "The order, which is believed ..." -> "The order is believed"), the noun a participle or
    infinitive hangs on ("the contract to supply ..." -> "the contract may supply"), or the subject of the
    verb it complements ("The planes are expected to start delivering" -> "The planes may start") or, in
    the active, is coordinated with."""
    head = verb
    deps: tuple[str, ...] = ("nsubjpass",)
    for _ in range(3):
        subject = next((x for x in head.children if x.dep_ in deps), None)
        if subject is not None and subject.lower_ in ("which", "who", "that"):
            return _bare_np(head.head) if head.dep_ == "relcl" and head.head.pos_ in ("NOUN", "PROPN") else None
        if subject is not None:
            return noun_phrase(text, subject, SOURCE_TOKENS)
        if head is verb and verb.dep_ == "acl" and verb.tag_ != "VBN" and verb.head.pos_ in ("NOUN", "PROPN"):
            return _bare_np(verb.head)
        if head.dep_ == "xcomp":
            deps = ("nsubj", "nsubjpass")   # the governor's subject is the infinitive's
        elif head.dep_ == "conj" and verb.tag_ != "VBN":
            deps = ("nsubj",)               # "indicted or convicted": a passive's subject is no agent
        else:
            return None
        head = head.head
    return None


def _what_was_said(text: str, verb: Token, speech: bool) -> list[str]:
    """The start of what was said or thought, so the headline is a sentence: the verb's clause as written
    ("said that the contract had been awarded based on competence", "believes that passengers will want"),
    else the first words of the direct quote it introduces or closes ('said “Everyone told us we were
    crazy …”')."""
    comp = next((x for x in verb.children if x.dep_ == "ccomp" and x.i > verb.i), None) or next(
        (x for x in verb.children if x.dep_ == "ccomp" and speech), None)  # "Hernandez was kidnapped …, police said"
    said = _clause_said(text, verb, comp) if comp is not None else []
    if said:
        return said
    quoted = _direct_quote(verb, speech)
    if len(quoted) < 2:
        return []
    cut = quoted[:SAID_TOKENS]
    last = _trimmed(cut)[-1]
    words = squash(text, cut[0].idx, last.idx + len(last.text))
    return ["“" + words + (" …”" if len(cut) < len(quoted) else "”")]


def _clause_said(text: str, verb: Token, comp: Token) -> list[str]:
    """The verb's clause, its first words, with 'that' before a finite clause only ("wants this cost to be
    shouldered", "allowed its blades to turn"); nothing when the clause opens with a quote mark."""
    toks = [t for t in comp.subtree if not t.is_space]
    if toks and toks[-1].i < verb.i:   # the clause told first: no quote mark in it or right after it
        if any(_is_quote_mark(t) for t in verb.doc[toks[0].i:verb.i]) or toks[0].i != verb.sent.start:
            return []
    elif not toks or toks[0].i < verb.i or any(_is_quote_mark(t) for t in verb.doc[verb.i + 1:toks[0].i + 2]):
        return []   # (a clause around the verb: "activities that we believe are detrimental")
    toks = _trimmed(toks[:SAID_TOKENS])
    if len(toks) < 2:
        return []
    words = squash(text, toks[0].idx, toks[-1].idx + len(toks[-1].text))
    first = toks[0]
    if first.is_sent_start and first.pos_ != "PROPN" and not first.ent_type_ and first.text[1:] == first.text[1:].lower():
        words = words[0].lower() + words[1:]   # "police said that a Brooklyn woman …"
    if sum(map(_is_quote_mark, toks)) % 2:
        words += "…”"  # a quoted word opened inside the cut: "said he too was “shocked …”"
    finite = comp.tag_ in FINITE_TAGS or any(x.dep_ in GROUP_DEPS and x.tag_ in FINITE_TAGS for x in comp.children)
    return [words] if toks[0].lower_ == "that" or not finite else ["that", words]


def _is_quote_mark(t: Token) -> bool:
    return t.is_quote or t.text in QUOTE_MARKS


def _trimmed(toks: list[Token]) -> list[Token]:
    """The tokens without trailing punctuation and function words (a cut phrase ends on a content word)."""
    toks = list(toks)
    while len(toks) > 1 and ((toks[-1].is_punct and not _is_quote_mark(toks[-1]))
                             or toks[-1].pos_ in ("ADP", "CCONJ", "DET", "SCONJ", "PRON", "AUX", "PART")):
        toks.pop()
    return toks


QUOTE_REACH = 6  # how many tokens may separate a speech verb from the quote it introduces or closes


def _direct_quote(verb: Token, speech: bool) -> list[Token]:
    """The words of the direct quote a verb introduces ('said in an interview “Everyone told us …') or closes
    ('“We've reduced our airplane-design effort,” said Angers'; a quote opened in an earlier sentence is taken
    from this sentence's start), without the marks. A verb that is not a speech verb ('commented', 'explained')
    introduces or closes a quote only right beside it."""
    reach = QUOTE_REACH if speech else 2
    sent = list(verb.sent)
    marks = [t.i for t in sent if _is_quote_mark(t)]
    opens = _opening_marks(sent)
    after = [i for i in marks if verb.i < i <= verb.i + reach and i in opens]
    before = [i for i in marks if verb.i - reach <= i < verb.i and i not in opens]
    if after:
        opening = after[0]
        closing = next((i for i in marks if i > opening), sent[-1].i + 1)
    elif before:
        closing = before[-1]
        opening = max((i for i in marks if i < closing), default=sent[0].i - 1)
    else:
        return []
    return [t for t in verb.doc[opening + 1:closing] if not t.is_space]


def _opening_marks(sent: list[Token]) -> set[int]:
    """The quote marks of a sentence that open a quote: “ and ``, and every other straight double quote."""
    out: set[int] = set()
    straight = 0
    for t in sent:
        if t.text in ("“", "``", "‘"):
            out.add(t.i)
        elif t.text == '"':
            if straight % 2 == 0:
                out.add(t.i)
            straight += 1
    return out


def as_written(text: str, source_tok: Token, source_name: str) -> bool:
    """Whether the headline should name the source as the sentence does: a common-noun phrase standing for
    the actor ("US officials", "Russian diplomats") keeps the words the reader sees in the evidence; a name,
    a pronoun or a phrase that already contains the actor's name gives way to the canonical name."""
    if source_tok.pos_ != "NOUN":
        return False
    # the whole phrase, its apposition included: "the aircraft, the Airbus A380" names the actor
    phrase = " ".join(t.lower_ for t in source_tok.subtree)
    return not any(w in phrase for w in source_name.lower().split() if len(w) > 2)


def _bare_np(head: Token) -> str:
    """A noun with only its determiner and word modifiers: "the contract" for "a US$40 billion (...) contract"."""
    mods = [x for x in head.children if x.i < head.i and x.dep_ in ("det", "compound", "amod", "poss")
            and x.is_alpha]
    return " ".join(t.text for t in sorted([*mods, head], key=lambda t: t.i))


def noun_phrase(text: str, head: Token, max_tokens: int, keep_of: bool = False) -> str:
    """A noun phrase as written, without its relative clauses, appositions and participles: "the draft"
    for "The draft, prepared without consultation with the US and NATO, ..."."""
    drop = {"relcl", "acl", "appos", "punct", "advcl", "cc", "conj"} | (set() if keep_of else {"prep"})
    toks: list[Token] = []
    stack = [head]
    while stack:
        t = stack.pop()
        toks.append(t)
        stack.extend(x for x in t.children if x.dep_ not in drop or (x.dep_ == "punct" and x.i < head.i)
                     or (t is not head and x.dep_ in ("cc", "conj", "punct")) or (t is head and x.dep_ in ("cc", "conj")))
    toks = sorted((t for t in toks if not t.is_space), key=lambda t: t.i)
    if keep_of:
        toks = [t for t in toks if t.i <= head.i or not any(a.dep_ in ("relcl", "acl") for a in t.ancestors
                                                              if a.i > head.i)]
    toks = _keep_head(toks, head, max_tokens)
    while toks and (toks[-1].is_punct or toks[-1].pos_ in ("ADP", "CCONJ", "DET")):
        toks.pop()
    while len(toks) > 1 and toks[0].is_punct:   # "'' Australians" from "… begun,'' Australians for a … said"
        toks.pop(0)
    if not toks:
        return head.text
    if len(toks) > 1 and toks[0].dep_ == "det" and toks[1].i > toks[0].i + 1:   # the words cut after "The"
        return toks[0].text + " " + squash(text, toks[1].idx, toks[-1].idx + len(toks[-1].text))
    return squash(text, toks[0].idx, toks[-1].idx + len(toks[-1].text))


def _keep_head(toks: list[Token], head: Token, max_tokens: int) -> list[Token]:
    """At most ``max_tokens`` of a phrase, its head kept: "The largest passenger aircraft" rather than "The
    world's largest passenger" (the determiner, then the words nearest the head)."""
    pre = [t for t in toks if t.i <= head.i]
    if len(pre) <= max_tokens:
        return toks[:max_tokens]
    det = [pre[0]] if pre[0].dep_ == "det" else []
    near = pre[len(pre) - (max_tokens - len(det)):]
    while near and near[0] is not head and (near[0].is_punct or near[0].pos_ == "PART"):
        near = near[1:]
    return det + near


def sentence_summary(text: str, start: int, end: int, max_chars: int) -> str:
    """A fallback event's headline: its sentence, whitespace collapsed, cut to ``max_chars``."""
    return clip(squash(text, start, end), max_chars)
