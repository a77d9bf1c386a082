"""Indicator scores from raw answers: IIT and EIT questionnaires and OIT checklists
(docs/responses-format.md). Read and validate (``read_responses``, ``read_checklist``), score
(``score_answers``), or give a data set its scores from them (``dataset_with_answers``)."""

from __future__ import annotations

from .checklist import CHECKLIST_COLUMNS, checklist_from_frame, read_checklist
from .convert import answers_to_long, checklist_to_long
from .merge import dataset_with_answers
from .responses import (
    ANSWER_COLUMNS,
    RESPONSE_COLUMNS,
    answers_from_frame,
    check_answers,
    read_responses,
)
from .score import (
    AnswerFinding,
    AnswerScores,
    combine,
    score_answers,
    score_checklist,
    score_responses,
)

__all__ = [
    "ANSWER_COLUMNS",
    "CHECKLIST_COLUMNS",
    "RESPONSE_COLUMNS",
    "AnswerFinding",
    "AnswerScores",
    "answers_from_frame",
    "answers_to_long",
    "check_answers",
    "checklist_from_frame",
    "checklist_to_long",
    "combine",
    "dataset_with_answers",
    "read_checklist",
    "read_responses",
    "score_answers",
    "score_checklist",
    "score_responses",
]
