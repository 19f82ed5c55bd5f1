"""Reporting-cue lexicon for the quotes component.

The lemmas were chosen from cue-frequency counts over the PolNeAR *train* split (attribution Cue spans,
lower-cased, lemmatised by hand into the verb they stand for); only lemmas that occur as cues several
times there and are unambiguous reporting/belief verbs are kept. No corpus text is stored here.
"""

from __future__ import annotations

# Speech verbs: a subject + this verb + a clause is an attribution; also the attribution of a direct quote.
SPEECH = frozenset("""
say tell write add ask note report announce suggest argue explain declare tweet continue acknowledge
claim insist warn urge recall respond reply conclude predict promise pledge vow deny admit state stress
confirm assert concede estimate complain indicate reveal emphasize emphasise mention post email
reiterate contend maintain observe testify allege joke quip remark caution recount lament speculate
disclose assure retort counter chime shout scream yell cry declare proclaim boast brag tout charge
announce inform advise answer comment predict repeat whisper muse wonder
""".split())

# Belief / perception / evidence verbs: an attribution only with a clausal complement.
COGNITION = frozenset("""
think believe know feel fear hope worry expect see find show suggest indicate imply doubt
understand recognize recognise realize realise consider figure guess assume suspect learn
""".split())

# Verbs whose direct object (or infinitive complement) is the content: "X denied the allegations".
OBJECT_CUES = frozenset("""
deny announce propose reject criticize criticise defend praise endorse support oppose blame accuse
demand promise pledge vow urge call acknowledge dismiss question admit confirm predict seek want plan
""".split())

# Further verbs PolNeAR train annotates as attributions with their object / rest of the verb phrase as content.
OBJECT_CUES = OBJECT_CUES | frozenset("""
cite mention attack back reference promote detail blast slam mock decry denounce condemn tout highlight
raise challenge invoke unveil thank hail applaud welcome express discuss describe question seek decline
refuse threaten push defend request recommend insist float floate float reiterate emphasize characterize
""".split())

# Verbs whose prepositional object is the content: "referring to X", "talked about X", "called for X".
PREP_CUES = {
    "refer": ("to",), "talk": ("about", "of"), "speak": ("about", "of", "on"), "point": ("to",),
    "complain": ("about", "of"), "call": ("for", "on"), "ask": ("about", "for"), "focus": ("on",),
    "comment": ("on",), "warn": ("of", "about", "against"), "worry": ("about",), "joke": ("about",),
    "boast": ("about", "of"), "brag": ("about",), "argue": ("for", "against"), "push": ("for",),
    "testify": ("about", "on"), "write": ("about", "of"), "tweet": ("about",), "rail": ("against",),
    "lash": ("out",), "weigh": ("in",), "reflect": ("on",), "insist": ("on",), "hint": ("at",),
}

# Verbs that never report anything even with a clausal complement.
NOT_CUES = frozenset("be have do get make let go come take ensure mean matter help need use try seem".split())

CUE_LEMMAS = SPEECH | COGNITION | OBJECT_CUES | frozenset(PREP_CUES)

# Verbs strong enough to attribute an adjacent direct quote ("…,” Edmonds said).
QUOTE_VERBS = SPEECH | frozenset("think believe".split())

PERSONAL_PRONOUNS = frozenset("he she him her they them it i we you".split())
RELATIVE_PRONOUNS = frozenset("who which that".split())
