"""Word lists of the quotes component, read once from the TSV files in ``data/`` (validated on load)."""

from __future__ import annotations

from pathlib import Path

from app.extract.lexicon import Row, read_tsv, word_set

DATA = Path(__file__).parent / "data"


def _check_lemma(row: Row) -> None:
    if " " in row["lemma"] or " " in row["preposition"]:
        raise row.fail("a lemma and a preposition are single words")


def _prep_cues() -> dict[str, tuple[str, ...]]:
    preps: dict[str, list[str]] = {}
    for row in read_tsv(DATA / "prep_cues.tsv", ("lemma", "preposition"), required=("lemma", "preposition"),
                        check=_check_lemma):
        preps.setdefault(row["lemma"].lower(), []).append(row["preposition"].lower())
    return {lemma: tuple(words) for lemma, words in preps.items()}


_CUES = word_set(DATA / "cues.tsv", classes={"speech", "cognition", "object", "frame", "quote", "not_cue",
                                                  "act_inf"})
SPEECH = _CUES["speech"]          # subject + verb + clause is an attribution; attributes a direct quote
COGNITION = _CUES["cognition"]    # an attribution only with a clausal complement
OBJECT_CUES = _CUES["object"]     # the object is the content: "X denied the allegations"
FRAME_CUES = _CUES["frame"]       # frames a quoted phrase: "called him a “con artist”"
NOT_CUES = _CUES["not_cue"]       # never reports anything
ACTION_INFINITIVE = _CUES["act_inf"]  # + to-infinitive is a course of action: "agreed to withdraw"
PREP_CUES = _prep_cues()          # the prepositional object is the content: "talked about X"
CUE_LEMMAS = SPEECH | COGNITION | OBJECT_CUES | frozenset(PREP_CUES)
QUOTE_VERBS = SPEECH | _CUES["quote"]  # strong enough to attribute an adjacent direct quote

_PRONOUNS = word_set(DATA / "pronouns.tsv", classes={"personal", "relative", "agent", "family_he", "family_she",
                                      "family_they", "family_it"})
PERSONAL_PRONOUNS = _PRONOUNS["personal"]
RELATIVE_PRONOUNS = _PRONOUNS["relative"]
AGENT_PRONOUNS = _PRONOUNS["agent"]
PLURAL_PRONOUNS = _PRONOUNS["family_they"] & PERSONAL_PRONOUNS
# personal pronoun -> every form of it ("she" -> she, her)
PRONOUN_FORMS = {word: forms for name, forms in _PRONOUNS.items() if name.startswith("family_")
                 for word in forms & PERSONAL_PRONOUNS}

_GENDER = word_set(DATA / "gender.tsv", classes={"male", "female", "honorific_male", "honorific_female"})
MALE = _GENDER["male"]
FEMALE = _GENDER["female"]
HONORIFICS = {**dict.fromkeys(_GENDER["honorific_male"], "m"), **dict.fromkeys(_GENDER["honorific_female"], "f")}

_LABELS = word_set(DATA / "labels.tsv", classes={"not_inner_label", "not_line_label"})
NOT_INNER_LABELS = _LABELS["not_inner_label"]  # lower-cased: compare the label's lower() form
NOT_LINE_LABELS = _LABELS["not_line_label"]
