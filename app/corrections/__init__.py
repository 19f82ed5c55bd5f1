"""Editors' corrections with an audit trail: one function per action, undo, and re-application.

A correction is a row of its own (``models.Correction``), applied to the stored rows when it is made and
applied again, in order, after every re-extraction and consolidation of an article it is about, so a fix
stays fixed. ``correct`` makes one, ``undo`` reverts one, ``reapply`` re-applies them all (flush only).
"""

from app.corrections.common import Conflict, FieldError, NotApplicable
from app.corrections.log import ACTIONS, UNDO, correct, live_corrections, reapply, reapply_for_article, undo

__all__ = ["ACTIONS", "UNDO", "Conflict", "FieldError", "NotApplicable", "correct", "live_corrections", "reapply",
           "reapply_for_article", "undo"]
