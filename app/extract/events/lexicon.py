"""The event component's vocabulary: the PLOVER trigger table and the word lists, all TSV files in data/.

Every list is read once at import with ``app.extract.lexicon`` (header row, per-row checks), so a broken
hand edit fails loudly with its file and line instead of silently matching less.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.extract.lexicon import Row, read_tsv, word_set
from app.vocab import PLOVER_TYPES

DATA_DIR = Path(__file__).resolve().parent / "data"
TRIGGERS_PATH = DATA_DIR / "plover_triggers.tsv"
TRIGGER_COLUMNS = ("lemma", "pos", "type", "condition", "cameo")
TRIGGER_POS = ("V", "N")
CONDITION_KEYS = frozenset({"obj", "pobj", "prep", "prt", "mod", "head", "comp"})

_CONTROL = word_set(DATA_DIR / "control_verbs.tsv", classes="announce asking commit failing intent planning ready refuse speech trying".split())
_MODALITY = word_set(DATA_DIR / "modality_words.tsv", classes="condition_mark demand_modal future_modal intent_aux negation possibility_noun possible_modal possible_modifier sequence_mark time_mark".split())
_ARGUMENTS = word_set(DATA_DIR / "argument_words.tsv", classes="determiner geo_noun intent_pronoun place_prep pronoun summary_prep target_prep".split())
_TRIGGER_WORDS = word_set(DATA_DIR / "trigger_words.tsv", classes="circumstance_prep happen not_event_governor perform person_noun take_part take_part_prep".split())

# Control verbs whose infinitival complement is the event; the frame decides type and modality.
INTENT = _CONTROL["intent"]
READY = _CONTROL["ready"]
REFUSE = _CONTROL["refuse"]
ASKING = _CONTROL["asking"]
PLANNING = _CONTROL["planning"]
TRYING = _CONTROL["trying"]
FAILING = _CONTROL["failing"]
SPEECH = _CONTROL["speech"]
ANNOUNCE = _CONTROL["announce"]
COMMIT_VERBS = _CONTROL["commit"]

NEG_WORDS = _MODALITY["negation"]
FUTURE_MD = _MODALITY["future_modal"]
POSSIBLE_MD = _MODALITY["possible_modal"]
CONDITION_MARKS = _MODALITY["condition_mark"]
SEQUENCE_MARKS = _MODALITY["sequence_mark"]
TIME_MARKS = _MODALITY["time_mark"]
POSSIBILITY_NOUNS = _MODALITY["possibility_noun"]
POSSIBLE_MODS = _MODALITY["possible_modifier"]
INTENT_AUX = _MODALITY["intent_aux"]
DEMAND_MODALS = _MODALITY["demand_modal"]

TARGET_PREPS = _ARGUMENTS["target_prep"]
SUMMARY_PREPS = _ARGUMENTS["summary_prep"]
PLACE_PREPS = _ARGUMENTS["place_prep"]
PRONOUNS = _ARGUMENTS["pronoun"]
INTENT_PRONOUNS = _ARGUMENTS["intent_pronoun"]
DETERMINERS = _ARGUMENTS["determiner"]
GEO_NOUNS = _ARGUMENTS["geo_noun"]

HAPPEN = _TRIGGER_WORDS["happen"]
PERFORM = _TRIGGER_WORDS["perform"]
TAKE_PART = _TRIGGER_WORDS["take_part"]
TAKE_PART_PREPS = _TRIGGER_WORDS["take_part_prep"]
CIRCUMSTANCE_PREPS = _TRIGGER_WORDS["circumstance_prep"]
NOT_EVENT_GOVERNORS = _TRIGGER_WORDS["not_event_governor"]
PERSON_NOUNS = _TRIGGER_WORDS["person_noun"]

Conditions = tuple[tuple[str, frozenset[str]], ...]
TriggerTable = dict[tuple[str, str], tuple["Rule", ...]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the trigger table: the type it gives when all its context conditions hold."""

    type: str | None
    conds: Conditions
    cameo: str


def parse_conditions(text: str) -> Conditions:
    """``"obj=a|b; prep=to"`` -> ((key, values), ...); ``comp`` has no values."""
    conds = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, _, vals = part.partition("=")
        conds.append((key.strip(), frozenset(v.strip() for v in vals.split("|") if v.strip())))
    return tuple(conds)


def _check_trigger_row(row: Row) -> None:
    if row["pos"] not in TRIGGER_POS:
        raise row.fail(f"pos must be V or N, not {row['pos']!r}")
    if row["type"] != "-" and row["type"] not in PLOVER_TYPES:
        raise row.fail(f"unknown PLOVER type {row['type']!r} for {row['lemma']!r}")
    for key, _ in parse_conditions(row["condition"]):
        if key not in CONDITION_KEYS:
            raise row.fail(f"unknown condition {key!r} (known: {', '.join(sorted(CONDITION_KEYS))})")


@lru_cache(maxsize=4)
def load_lexicon(path: str = str(TRIGGERS_PATH)) -> TriggerTable:
    """(lemma, pos) -> its rules in file order, from a trigger table like data/plover_triggers.tsv."""
    table: dict[tuple[str, str], list[Rule]] = {}
    rows = read_tsv(Path(path), TRIGGER_COLUMNS, required=("lemma", "pos", "type"), check=_check_trigger_row)
    for row in rows:
        rule = Rule(None if row["type"] == "-" else row["type"], parse_conditions(row["condition"]), row["cameo"])
        table.setdefault((row["lemma"].lower(), row["pos"]), []).append(rule)
    return {key: tuple(rules) for key, rules in table.items()}


_CLAUSE = word_set(DATA_DIR / "clause_words.tsv", classes="agentive_passive demand first_person hazard proposal protester relative stative weapon".split())
STATIVE = _CLAUSE["stative"]
DEMAND_VERBS = _CLAUSE["demand"]
PROPOSAL_WORDS = _CLAUSE["proposal"]
HAZARD_WORDS = _CLAUSE["hazard"]
WEAPON_WORDS = _CLAUSE["weapon"]
RELATIVE_PRONOUNS = _CLAUSE["relative"]
FIRST_PERSON = _CLAUSE["first_person"]
PROTESTERS = _CLAUSE["protester"]
AGENTIVE_PASSIVES = _CLAUSE["agentive_passive"]
PAST_TENSE: dict[str, str] = {r["lemma"].lower(): r["past"] for r in read_tsv(
    DATA_DIR / "past_tense.tsv", ("lemma", "past"), required=("lemma", "past"))}
EVENT_NOUNS = word_set(DATA_DIR / "event_nouns.tsv", classes="event_noun".split())["event_noun"]
