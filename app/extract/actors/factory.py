"""The spaCy factory ``dateline_actors_v1``: sets ``dl_actors``, ``dl_actor_spans`` and ``dl_actor_index``."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from app.extract.actors.clusters import build, group, propagate
from app.extract.actors.evidence import organisation_names, table_teams, team_names
from app.extract.actors.extents import add_phrase_extents
from app.extract.actors.groups import find_groups
from app.extract.actors.index import ActorIndex
from app.extract.actors.lexicon import Lexicon, lexicon
from app.extract.actors.mentions import TokenView, collect
from app.extract.actors.roles import find_role_references
from app.extract.records import Actor

__all__ = ["DEFAULT_CONFIG", "ActorFinder", "find_actors", "make_actor_finder"]

for _name in ("dl_actors", "dl_actor_spans", "dl_actor_index"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

DEFAULT_CONFIG = {
    "max_appos_tokens": 18,  # the longest appositive kept as a title (`Andrew Lohsen, a fellow in ...`)
    "caps_share": 0.8,       # this share of capitalised words makes a line a headline in capitals
}


def find_actors(doc: Doc, lex: Lexicon, *, max_appos_tokens: int,
                caps_share: float) -> tuple[list[Actor], list[tuple[int, int, str]]]:
    """The actors of a parsed doc and their sorted ``(start, end, actor_id)`` mention spans (with the phrase
    spans of nominal groups, which are no mentions of the record: groups.py). The noun-phrase extents of
    extents.py are mentions of the record but no spans of the index: arguments and speakers are found on
    names ('Northrop Grumman and Airbus parent company EADS' is Northrop Grumman's and EADS's act, not the
    longest phrase's)."""
    view = TokenView(doc, caps_share)
    cands = collect(doc, lex, view)
    cands = sorted(cands + table_teams(doc, cands, lex.regions), key=lambda c: c.start)
    teams = team_names(doc, cands)
    clusters = group(doc, cands, teams)
    propagate(doc, cands, clusters, view)
    actors, spans = build(doc, clusters, max_appos_tokens, organisation_names(doc, cands) | teams)
    find_role_references(doc, lex, actors, spans)
    groups, group_spans = find_groups(doc, actors, spans)
    add_phrase_extents(doc, lex, view, actors, spans)
    return actors + groups, sorted(spans + group_spans)


class ActorFinder:
    """The pipeline component; holds the loaded lexicon and the component's settings."""

    def __init__(self, lex: Lexicon, *, max_appos_tokens: int, caps_share: float) -> None:
        self.lex = lex
        self.max_appos_tokens = max_appos_tokens
        self.caps_share = caps_share

    def __call__(self, doc: Doc) -> Doc:
        actors, spans = find_actors(doc, self.lex, max_appos_tokens=self.max_appos_tokens,
                                    caps_share=self.caps_share)
        doc._.dl_actors, doc._.dl_actor_spans = actors, spans
        doc._.dl_actor_index = ActorIndex(actors, spans)
        return doc


@Language.factory(
    "dateline_actors_v1",
    default_config=DEFAULT_CONFIG,
    requires=["doc.ents", "token.dep", "token.pos"],
    assigns=["doc._.dl_actors", "doc._.dl_actor_spans", "doc._.dl_actor_index"],
)
def make_actor_finder(nlp: Language, name: str, max_appos_tokens: int, caps_share: float) -> ActorFinder:
    """Build the component with the shipped lexicon; settings come from the pipeline config."""
    return ActorFinder(lexicon(), max_appos_tokens=max_appos_tokens, caps_share=caps_share)
