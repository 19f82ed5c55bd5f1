"""The quote component's knobs in one frozen value, so the spaCy config sets them and every stage reads them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class QuoteSettings:
    """Defaults are the values tuned on PolNeAR train; ``dateline_quotes_v1`` takes them as its config."""

    max_quote_chars: int = 5000        # a longer marked span is a run-on unbalanced mark, not a quote
    max_speaker_tokens: int = 16       # a speaker noun phrase is cut after this many tokens
    climb_steps: int = 4               # clauses to climb for the subject of a cue that has none
    generic_ccomp: bool = True         # any verb with a subject and a clausal complement reports something
    generic_object: bool = True        # a named/pronoun subject acting on an object: PolNeAR marks such stances
    min_content_chars: int = 8         # an indirect content shorter than this is no quote
    min_orphan_words: int = 2          # an unattributed quoted phrase shorter than this is a title or scare quote
    orphan_paras: int = 4              # paragraphs back an orphan quote may take its speaker from (blank lines count)
    split_gap_chars: int = 300         # “A,” X said. “B”: the widest attribution that still joins A and B
    pronoun_window: int = 1500         # chars to look back for a pronoun's antecedent
    pronoun_candidates: int = 40       # compatible antecedents to weigh before giving up on a subject one
    add_pronoun_mentions: bool = True  # a resolved pronoun ("he said") becomes a mention of its actor

    def as_config(self) -> dict[str, Any]:
        """The settings as a spaCy component config."""
        return asdict(self)


DEFAULT_SETTINGS = QuoteSettings()
