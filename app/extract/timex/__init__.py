"""Time expressions: Dateline's TIMEX3 grammar and normaliser, the spaCy components that tag a document
and infer its publication date, and what a TIMEX3 value means in days.

The spaCy factories ``dateline_pubdate_v1`` and ``dateline_timex_v1`` live in ``factory`` (the pipeline
imports it); the package itself stays free of spaCy, so storage and pages can read TIMEX3 values cheaply.
"""

from app.extract.timex.calendar import Ctx
from app.extract.timex.find import Candidate, find_candidates, iter_values
from app.extract.timex.grammar import normalise
from app.extract.timex.values import TimexValue, timex_interval, timex_value

__all__ = [
    "Candidate", "Ctx", "TimexValue", "find_candidates", "iter_values", "normalise", "timex_interval", "timex_value",
]
