"""Satisfaction surveys (群众满意度) and democratic evaluation (民主测评): one-time codes,
answers to points, and a unit's score weighted by respondent group. No database here.

A response is worth the mean of its answers in points of 100; a group's score is the
mean of its responses; the unit's score is the weighted mean of its groups' scores. A
group nobody answered for leaves out its weight and the others share the 100 % (so a
unit is not marked down because, say, no leaders were asked), and below
``min_responses`` answers in all the unit has no score: too few to be fair and too few
to keep the respondents anonymous.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from assessment.enums import AnswerScale, RespondentGroup
from portal.i18n import N_, _

# A code reads like ``k7qm-x9fh-3tpa``: 12 characters of 31 (no 0/o, 1/l/i, which are
# misread on a printed slip) ≈ 59 bits, drawn with ``secrets``: unguessable online
# behind the rate limit, and stored only as its SHA-256.
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 12

# The choices of each scale and their points. 满意 / 基本满意 / 不满意: 基本满意 is worth
# ``SurveyPolicy.basic_points`` (localities count it at 60 to 80).
FIVE_CHOICES = ("5", "4", "3", "2", "1")
THREE_CHOICES = ("satisfied", "basic", "dissatisfied")
CHOICE_LABELS = {"5": N_("5 · very good"), "4": N_("4 · good"), "3": N_("3 · fair"),
                 "2": N_("2 · poor"), "1": N_("1 · very poor"),
                 "satisfied": N_("Satisfied"), "basic": N_("Basically satisfied"),
                 "dissatisfied": N_("Dissatisfied")}


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    scale: AnswerScale = AnswerScale.THREE

    @property
    def choices(self) -> tuple[str, ...]:
        return FIVE_CHOICES if self.scale == AnswerScale.FIVE else THREE_CHOICES


@dataclass(frozen=True)
class SurveyPolicy:
    """The rule values (``assessment.settings``): group weights, the fewest answers a unit
    needs for a score (and for anyone to see its aggregates), the points of 基本满意."""

    weights: Mapping[RespondentGroup, float] = field(default_factory=lambda: {
        RespondentGroup.LEADERS: 0.2, RespondentGroup.STAFF: 0.2,
        RespondentGroup.SERVED: 0.3, RespondentGroup.RESIDENTS: 0.3})
    min_responses: int = 5
    basic_points: float = 60.0


@dataclass(frozen=True)
class GroupTally:
    """One respondent group of one unit: codes issued, responses and their mean points."""

    group: RespondentGroup
    issued: int
    answered: int
    mean: float | None


class AnswerProblem(ValueError):
    """Answers that do not fit the questionnaire; ``codes`` names the questions."""

    def __init__(self, codes: list[str]):
        super().__init__(", ".join(codes))
        self.codes = codes


def new_code() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(body[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalize_code(text: str) -> str:
    """What a respondent typed or scanned, as stored: lower case, no spaces or hyphens."""
    return "".join(ch for ch in str(text).lower() if ch in CODE_ALPHABET)


def code_hash(text: str) -> str:
    return hashlib.sha256(normalize_code(text).encode("ascii")).hexdigest()


def looks_like_code(text: str) -> bool:
    return len(normalize_code(text)) == CODE_LENGTH and len(str(text)) <= 3 * CODE_LENGTH


def choice_points(scale: AnswerScale, choice: str, policy: SurveyPolicy) -> float:
    if scale == AnswerScale.FIVE:
        return (int(choice) - 1) * 25.0
    return {"satisfied": 100.0, "basic": policy.basic_points, "dissatisfied": 0.0}[choice]


def response_points(questions: Sequence[Question], answers: Mapping[str, str],
                    policy: SurveyPolicy) -> float:
    """The mean points (0–100) of one complete response; every question must be answered
    with one of its choices, otherwise ``AnswerProblem`` names the questions."""
    wrong = [q.code for q in questions if answers.get(q.code) not in q.choices]
    if wrong or not questions:
        raise AnswerProblem(wrong)
    total = sum(choice_points(q.scale, answers[q.code], policy) for q in questions)
    return round(total / len(questions), 2)


def unit_score(tallies: Sequence[GroupTally], policy: SurveyPolicy) -> float | None:
    """The unit's satisfaction in points of 100, weighted by group (see the module's
    docstring); None below ``policy.min_responses`` answers."""
    answered = [t for t in tallies if t.answered and t.mean is not None]
    if sum(t.answered for t in answered) < policy.min_responses:
        return None
    weights = {t.group: float(policy.weights.get(t.group, 0.0)) for t in answered}
    total = sum(weights.values())
    if total <= 0:
        return None
    return round(sum(weights[t.group] * t.mean for t in answered) / total, 2)


def response_rate(issued: int, answered: int) -> float | None:
    return answered / issued if issued else None


def shown_mean(tally: GroupTally, policy: SurveyPolicy) -> float | None:
    """A group's mean as a unit may see it: only from ``min_responses`` answers on, so no
    answer can be traced to the few people who were handed a slip."""
    return tally.mean if tally.answered >= policy.min_responses else None


def check_weights(weights: Mapping[str, float]) -> list[str]:
    """Plain-word problems with a set of group weights (none: usable)."""
    problems = []
    for group, weight in weights.items():
        if group not in {g.value for g in RespondentGroup}:
            problems.append(_("%(group)s is not a respondent group.", group=group))
        elif weight < 0:
            problems.append(_("The weight of %(group)s cannot be negative.",
                              group=RespondentGroup(group).label))
    if not problems and sum(weights.values()) <= 0:
        problems.append(_("At least one respondent group needs a weight above 0."))
    return problems


FIVE_PREFIX = "5|"  # a questionnaire line "5|text" is answered 1 to 5; any other line 满意/…


def questions_text(questions: Sequence[Question]) -> str:
    """The questions as the editor shows them: one a line, ``5|`` before a 1-to-5 one."""
    return "\n".join((FIVE_PREFIX if q.scale == AnswerScale.FIVE else "") + q.text
                     for q in questions)


def parse_questions(text: str, max_length: int = 300) -> list[Question]:
    """Questions from the editor's lines (numbered Q1, Q2 … in order); a blank line is
    skipped. ``ValueError`` says which line is too long, or that there is none."""
    found = []
    for number, line in enumerate(str(text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        scale = AnswerScale.FIVE if line.startswith(FIVE_PREFIX) else AnswerScale.THREE
        body = line[len(FIVE_PREFIX):].strip() if scale == AnswerScale.FIVE else line
        if not body or len(body) > max_length:
            raise ValueError(_("line %(n)s must hold a question of 1 to %(max)s characters",
                               n=number, max=max_length))
        found.append(Question(f"Q{len(found) + 1}", body, scale))
    if not found:
        raise ValueError(_("a questionnaire needs at least one question"))
    return found
