"""Whether two event reports tell one happening, by rules a reader can check, and why, in words.

Two reports are one happening when they name the same action (``senses.sense_of``: 'deliver' and
'delivery' meet, 'presented' and 'released' never do) with compatible arguments (a shared actor or
product, no clashing source), in the same mood (a plan is not its refusal) and at compatible dates, each
read at its own precision. Inside one article the rules are stricter: two clauses of one sentence are two
happenings, and a sentence retells another's happening only with the same action and a shared argument,
or as the headline summing up the lead. Sentence events without a trigger (from older extractions) meet
only as the headline of their own article or as the same wording in another outlet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app.consolidate.senses import is_light
from app.consolidate.text import model_names, overlap, shift, stems
from app.extract.events.lexicon import EVENT_NOUNS

WINDOW_DAYS = 10  # a report's own date stands for a happening up to this many days before it (and bounds
# how far apart two reports' dates may lie and still be looked at together)
PRODUCT_DAYS = 365  # an undated report about a product alone ('the A380 delays') may tell a happening up to this
# many days before it: the product's one delivery, delay or first flight, retold by later articles
SAME_WORDING = 0.75  # content words two outlets' sentences share when one is the other's copy
UNREAL = frozenset({"conditional", "demanded", "proposed", "planned", "possible"})
MODALITY_MOOD = {"asserted": "asserted", "planned": "planned", "possible": "possible", "negated": "negated"}


@dataclass(slots=True)
class EventView:
    """What merging compares, computed once per event (``event`` is an Event or a candidate's plain row)."""

    event: Any
    sense: str | None
    source: int | None  # who acted, as the survivor of actor merges
    arguments: set[int]  # source and targets, as the survivors of actor merges
    named: set[int]  # every actor the sentence names
    senses: frozenset[str]  # senses of the sentence's lower-case words (for triggerless sentence events)
    mood: str
    explicit_date: bool
    first: dt.date | None
    last: dt.date | None
    precision: str | None
    headline: bool = False
    words: frozenset[str] | None = None  # content stems of the sentence, read when first needed (words_of)
    things: frozenset[str] | None = None  # product or model names in it ('a380', '787'; things_of)
    span: tuple[dt.date, dt.date] | None = None  # the days the happening may lie in (happening_span)
    # starts of the sentences already in this event, per article; grows as reports join
    cited: dict[int, set[int]] = field(default_factory=dict)


@dataclass(slots=True)
class Match:
    """A passed comparison: ``rank`` orders the candidates, ``reason`` is what the pages and MergeRecord keep."""

    rank: tuple[int, int, int, int]
    reason: dict[str, Any]


def words_of(v: EventView) -> frozenset[str]:
    """The sentence's content stems, computed once per view: only the wording rule reads them."""
    if v.words is None:
        v.words = frozenset(stems(v.event.sentence))
    return v.words


def things_of(v: EventView) -> frozenset[str]:
    """The sentence's product and model names, found once per view and only when the actors say nothing."""
    if v.things is None:
        v.things = model_names(v.event.sentence)
    return v.things


def mood_of(event: Any) -> str:
    """The clause's mood, else the older extraction's modality read as one."""
    return getattr(event, "mood", None) or MODALITY_MOOD.get(event.modality or "asserted", "asserted")


def _group(mood: str) -> str:
    return "unreal" if mood in UNREAL else mood


def product_only(v: EventView) -> bool:
    """A noun's report with no date and no actor of its own that names a product ('the A380 delays',
    'deliveries of the A380'): it refers to the product's happening, whenever that was, rather than to a day's
    news, as a participle does ('the departure has been delayed')."""
    return not v.explicit_date and not v.arguments and not is_light(v.sense) and reads_as_noun(v.event) \
        and bool(things_of(v))


def _undated_pair(a: EventView, b: EventView) -> bool:
    """Two product reports of one action that give no date, a year apart at most (each report's own date is
    only its publication's)."""
    if a.first is None or b.first is None or a.sense != b.sense:
        return False
    return abs((a.first - b.first).days) <= PRODUCT_DAYS and product_only(a) and product_only(b)


def reads_as_noun(event: Any) -> bool:
    """Whether the trigger is a listed event noun, as its lemma or the lemma's plural ('delay', 'delays',
    'deliveries'), not a participle or a past form ('delayed', 'delivering') nor a sentence's content word."""
    lemma, trigger = (getattr(event, "lemma", None) or "").lower(), (event.trigger or "").lower()
    if lemma not in EVENT_NOUNS or " " in trigger:
        return False
    return trigger in (lemma, lemma + "s", lemma + "es") or (lemma.endswith("y") and trigger == lemma[:-1] + "ies")


def happening_span(v: EventView) -> tuple[dt.date, dt.date] | None:
    """The days the happening may lie in: its own date at its precision; a plan without one, any day from
    the report on; a report without one, the days just before its publication (kept on the view)."""
    if v.span is None and v.first is not None and v.last is not None:
        if v.explicit_date:
            v.span = shift(v.first, -1), shift(v.last, 1)  # a day's slack for time zones
        elif v.mood in UNREAL:
            v.span = shift(v.first, -1), dt.date.max
        else:
            v.span = shift(v.first, -WINDOW_DAYS), shift(v.last, 1)
    return v.span


def date_reason(a: EventView, b: EventView) -> tuple[bool, str | None]:
    """(compatible, how) for two reports' dates; unknown dates are compatible with anything."""
    sa, sb = happening_span(a), happening_span(b)
    if sa is None or sb is None:
        return True, None
    if sa[0] > sb[1] or sb[0] > sa[1]:
        return False, None
    if a.precision == b.precision == "day" and a.first == b.first:
        return True, "same day"
    if a.explicit_date and b.explicit_date:
        return True, "dates agree"
    if a.explicit_date != b.explicit_date:
        given, report = (a, b) if a.explicit_date else (b, a)
        fitting = FITTING + (("year",) if given.mood in UNREAL and report.mood not in UNREAL else ())
        if given.precision in fitting and given.first and given.last and report.first and report.last \
                and shift(given.first, -1) <= report.first and report.last <= shift(given.last, 1):
            # 'first flew in April 2005' and a report published in that April; a plan for 'later this year'
            # and a report of it that year
            return True, "the date given fits"
    return True, "dates compatible"


AGREEING = ("same day", "dates agree", "the date given fits")
FITTING = ("day", "week", "month")


def _moods_agree(a: EventView, b: EventView, dated: bool) -> bool:
    """Same mood group; across articles a plan may meet its happening when the plan names the day, week,
    month or year it falls in."""
    ga, gb = _group(a.mood), _group(b.mood)
    if ga == gb:
        return True
    if "negated" in (ga, gb):
        return False
    plan = a if ga == "unreal" else b
    return dated and plan.explicit_date and plan.precision in ("day", "week", "month", "year")


def _sources_clash(a: EventView, b: EventView) -> bool:
    """Both name who acted and neither's actor takes part in the other: two different acts."""
    if a.source is None or b.source is None:
        return False
    return a.source != b.source and a.source not in b.arguments and b.source not in a.arguments


def _shared(a: EventView, b: EventView) -> tuple[list[int], list[str]]:
    args_a = a.arguments or a.named
    args_b = b.arguments or b.named
    actors = sorted(args_a & args_b)
    # a shared product ('the A380 was delivered') counts as a shared argument; looked for only while the
    # actors alone are not enough (two of them)
    return actors, ([] if len(actors) >= 2 else sorted(things_of(a) & things_of(b)))


def same_sentence_cited(a: EventView, b: EventView) -> bool:
    """Whether the two share a sentence: two clauses of one sentence are two happenings."""
    return any(cited & b.cited.get(article, set()) for article, cited in a.cited.items())


def may_match(new: EventView, sense: str | None, type_: str | None) -> bool:
    """Whether another article's event of this sense and type could tell ``new``'s happening at all: the
    same action, the same type of act, or a triggerless sentence on either side (compared by wording)."""
    return new.sense is None or sense is None or sense == new.sense or bool(new.event.type and new.event.type == type_)


def compare(new: EventView, old: EventView, max_sentences: int) -> Match | None:
    """A Match when ``new`` retells ``old``'s happening under the rules of the module docstring, else None."""
    article = new.event.article_id
    same_article = article in old.cited or article == old.event.article_id
    same_action = new.sense is not None and new.sense == old.sense and not is_light(new.sense)
    if not same_article and not may_match(new, old.sense, old.event.type):
        return None  # two outlets, two different actions: no rule below could match (the cheap test first)
    if same_sentence_cited(new, old):
        return None
    if len(old.cited.get(article, ())) + len(new.cited.get(article, ())) > max_sentences:
        return None  # an article retells one happening a few times (headline, lead, detail), not more
    if _sources_clash(new, old):
        return None
    actors, things = _shared(new, old)
    dated, how = date_reason(new, old)
    undated = not dated and not same_article and _undated_pair(new, old)
    if not (dated or undated) or not _moods_agree(new, old, how is not None and not same_article):
        return None
    reason: dict[str, Any] = {}
    if actors:
        reason["shared_actors"] = actors
    if things:
        reason["shared_things"] = things
    if how:
        reason["dates"] = how
        if how == "same day" and new.first is not None:
            reason["same_day"] = new.first.isoformat()
    if same_article:
        kind = _same_article_kind(new, old, same_action, bool(actors or things) or _unnamed(new) or _unnamed(old))
        if kind is None:
            return None
        reason["same_article"] = kind
    elif undated:
        if not (same_action and things):
            return None
        reason["undated"] = True  # two outlets retell a product's happening, neither giving it a date
    elif same_action and (len(actors) + len(things) >= 2 or ((actors or things) and how in AGREEING)):
        pass  # two outlets: the action with two of its arguments, or with one on a date both give
    elif _same_kind_of_act(new, old, actors, how):
        reason["same_type"] = new.event.type
    elif (actors or things) and (new.sense is None or old.sense is None) \
            and (wording := overlap(words_of(new), words_of(old))) >= SAME_WORDING:
        # a triggerless sentence event: another outlet's copy of the sentence (clauses meet by their action)
        reason["same_wording"] = round(wording, 3)
    else:
        return None
    if same_action:
        reason["same_action"] = new.sense
        reason["action_words"] = sorted({w for w in (_action_word(new), _action_word(old)) if w})
    if new.event.type and new.event.type == old.event.type:
        reason["same_type"] = new.event.type
    apart = abs((new.first - old.first).days) if new.first and old.first else 0
    rank = (int(same_action), len(actors) + len(things), int(how == "same day"), -apart)
    return Match(rank, reason)


def _action_word(v: EventView) -> str | None:
    """The word a reader knows the action by: the lemma, else a short trigger, else the sense key."""
    lemma = getattr(v.event, "lemma", None)
    trigger = v.event.trigger or ""
    return lemma or (trigger.lower() if 0 < len(trigger.split()) <= 2 else v.sense)


def _unnamed(v: EventView) -> bool:
    """A report naming no actor or product ('the aircraft was delivered'): in its own article it may retell
    another sentence's happening, its arguments being the ones named before."""
    return not v.named and not things_of(v)


def _same_article_kind(new: EventView, old: EventView, same_action: bool, shared: bool) -> str | None:
    """How two sentences of one article tell one happening, or None when they tell two."""
    if same_action and shared:
        return "headline" if new.headline or old.headline else "same action"
    if not (new.headline or old.headline) or not shared:
        return None
    head, body = (new, old) if new.headline else (old, new)
    # the headline's action among the words of the sentence it sums up (a trigger may be the wrong word of
    # it); a triggerless headline or one on a light verb ('makes maiden flight'): any action word the two share
    body_senses = body.senses | ({body.sense} if body.sense else set())
    head_senses = {head.sense} if head.sense and not is_light(head.sense) else head.senses
    return "headline" if {s for s in body_senses & head_senses if not is_light(s)} else None


def _same_kind_of_act(new: EventView, old: EventView, actors: list[int], how: str | None) -> bool:
    """Two outlets' different verbs for one typed act: same type, its actors on both sides, the same day."""
    if not (new.event.type and new.event.type == old.event.type) or how != "same day":
        return False
    return len(actors) >= 2 and new.source is not None and new.source == old.source


def reason_words(reason: dict[str, Any], names: dict[int, str]) -> str:
    """The reason as the sentence a reader sees: "same action 'defeat', same actors EADS and Boeing, same day"."""
    parts: list[str] = []
    kind = reason.get("same_article")
    if kind == "headline":
        parts.append("the headline sums up this sentence")
    elif kind == "same action":
        parts.append("the same article tells it again")
    if "same_action" in reason:
        words = reason.get("action_words") or [reason["same_action"]]
        parts.append("same action " + " / ".join(f"'{w}'" for w in words))
    elif "same_wording" in reason:
        parts.append("nearly the same wording")
    if "same_type" in reason and "same_action" not in reason:
        parts.append(f"same kind of act ({str(reason['same_type']).lower()})")
    who = [names.get(a, f"actor {a}") for a in reason.get("shared_actors", [])]
    if who:
        parts.append(("same actor " if len(who) == 1 else "same actors ") + _joined(who))
    if things := [t.upper() for t in reason.get("shared_things", [])]:
        parts.append("the same " + _joined(things))
    if reason.get("came_about"):
        parts.append("one report tells it happened")
    if reason.get("undated"):
        parts.append("neither report dates it")
    elif reason.get("dates"):
        parts.append(str(reason["dates"]))
    return ", ".join(parts) or "merged"


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
