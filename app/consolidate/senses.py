"""The action a trigger names, as one key for its verb and its nouns: 'deliver', 'delivered', 'delivery' meet.

Two reports of one happening name it with the same verb or with its nominalisation ('invaded' / 'the
invasion'); the key is what candidates are looked up by, so it is crude on purpose: inflections and a few
derivational suffixes come off and a final 'e' is dropped. It never says that two different verbs mean the
same ('presented' and 'released' stay apart).
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.fts import STOPWORDS

# verbs of saying, being and having, and light verbs: on their own they tell no happening apart from another
LIGHT = frozenset({"be", "have", "do", "say", "tell", "make", "take", "get", "go", "come", "give", "put",
                   "include", "become", "seem", "add", "note", "report", "use", "see", "know", "think",
                   "want", "need", "let", "keep", "show", "call", "find", "expect", "continue", "begin",
                   # states rather than happenings ('based in', 'owned by', 'hopes that')
                   "base", "locate", "own", "remain", "consist", "contain", "mean", "involve", "hope", "believe",
                   "understand", "feel", "wish"})

_IRREGULAR = {"won": "win", "made": "make", "flew": "fly", "flown": "fly", "sold": "sell", "bought": "buy",
              "said": "say", "told": "tell", "met": "meet", "took": "take", "taken": "take", "gave": "give",
              "given": "give", "built": "build", "began": "begin", "begun": "begin", "left": "leave",
              "held": "hold", "paid": "pay", "struck": "strike", "upheld": "uphold", "withdrew": "withdraw",
              "withdrawn": "withdraw", "fought": "fight", "lost": "lose", "led": "lead", "sent": "send",
              "spent": "spend", "rose": "rise", "fell": "fall", "hit": "hit", "cut": "cut", "went": "go",
              "came": "come", "brought": "bring", "chose": "choose", "chosen": "choose", "drew": "draw",
              "broke": "break", "broken": "break", "froze": "freeze", "seized": "seize", "shot": "shoot",
              "sale": "sell", "sales": "sell", "loss": "lose", "losses": "lose", "death": "die", "deaths": "die",
              "growth": "grow", "flight": "fly", "flights": "fly", "choice": "choose", "proof": "prove", "flies": "fly", "dies": "die", "died": "die"}
# nominalisations to their verb, longest suffix first; (suffix, replacement, shortest stem left)
_DERIVED = (("ssion", "ss", 3), ("sion", "d", 3), ("ization", "ize", 3), ("isation", "ize", 3),
            ("ation", "", 3), ("ction", "ct", 3), ("ment", "", 4), ("ery", "er", 4), ("ial", "y", 2),
            ("val", "v", 3), ("sal", "s", 3), ("wal", "w", 4), ("ure", "", 4), ("ance", "", 4), ("ence", "", 4),
            ("nse", "nd", 3), ("ate", "", 3))
_INFLECTED = (("ies", "y"), ("ied", "y"), ("eed", "ee"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))
_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")


def _undouble(word: str) -> str:
    """'planned' -> 'plann' -> 'plan', 'shipping' -> 'ship'; not 'fall' or 'miss'."""
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsaeiou":
        return word[:-1]
    return word


@lru_cache(maxsize=65536)  # a pure function of two short strings, asked ~300 times per article
def sense_of(lemma: str | None, trigger: str | None = None) -> str | None:
    """The action key of a lemma (the clause extractor's) or else of a trigger's first word; None when neither."""
    word = (lemma or "").strip().lower()
    inflected = False
    if not word:
        m = _WORD.search(trigger or "")
        if m is None:
            return None
        word, inflected = m.group(0).lower(), True
    word = word.split()[0].split("-")[0] if word.split() else word
    if not word.isalpha():
        return None
    if word in _IRREGULAR:
        word = _IRREGULAR[word]
    elif inflected or word.endswith(("ies", "ing")):
        for suffix, repl in _INFLECTED:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
                word = _undouble(word[: -len(suffix)] + repl)
                break
    for suffix, repl, shortest in _DERIVED:
        if word.endswith(suffix) and len(word) - len(suffix) >= shortest:
            word = word[: -len(suffix)] + repl
            break
    if word.endswith("duce"):  # produce / production, reduce / reduction
        word = word[:-1] + "t"
    if word.endswith("e") and not word.endswith("ee") and len(word) > 3:
        word = word[:-1]
    return word[:60]


_LIGHT_SENSES = frozenset({sense_of(w) for w in LIGHT}) | LIGHT


def is_light(sense: str | None) -> bool:
    """Whether a sense is too general to tell one happening from another (say, have, make...)."""
    return sense is None or sense in _LIGHT_SENSES


def word_senses(sentence: str) -> frozenset[str]:
    """The senses of a sentence's lower-case content words: what a triggerless sentence event may be about."""
    out = set()
    for m in _WORD.finditer(sentence):
        w = m.group(0)
        if w.islower() and len(w) > 2 and w not in STOPWORDS:
            sense = sense_of(None, w)
            if sense and not is_light(sense):
                out.add(sense)
    return frozenset(out)
