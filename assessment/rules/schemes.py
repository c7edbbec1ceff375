"""Indicator schemes as the engine sees them (``IndicatorSpec``, ``SchemeSpec``): their
validation (weights add up, methods have what they need) and the value a leaf accepts."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assessment.enums import REQUIRED_METHODS, UNWEIGHTED_METHODS, Direction, Method
from assessment.rules.methods import method_param_messages
from portal.i18n import _

TOTAL_WEIGHT = 100.0
WEIGHT_TOLERANCE = 0.005


@dataclass(frozen=True)
class IndicatorSpec:
    """One node of an indicator scheme, as the engine sees it."""

    code: str
    name: str = ""
    parent_code: str | None = None
    weight: float = 0.0
    method: Method = Method.DIRECT
    direction: Direction = Direction.HIGHER
    target: float | None = None
    bands: tuple[tuple[float, float], ...] = ()
    cap: float | None = None
    per_item: float | None = None
    unit_label: str = ""  # "%": a percentage, so no value above 100
    # rank-based points (排名计分): an explicit list for 1st, 2nd … or a start and a step
    rank_points: tuple[float, ...] = ()
    rank_start: float | None = None  # None: the weight
    rank_step: float | None = None
    rank_floor: float | None = None  # the least a ranked unit gets (None: 0)
    source: str = ""  # imported points (引用得分): the assessment they come from


@dataclass(frozen=True)
class SchemeSpec:
    """A whole scheme: the tree of dimensions and indicators."""

    indicators: tuple[IndicatorSpec, ...]

    @property
    def by_code(self) -> dict[str, IndicatorSpec]:
        return {i.code: i for i in self.indicators}

    def children(self, code: str | None) -> list[IndicatorSpec]:
        return [i for i in self.indicators if i.parent_code == code]

    @property
    def leaves(self) -> list[IndicatorSpec]:
        parents = {i.parent_code for i in self.indicators}
        return [i for i in self.indicators if i.code not in parents]

    @property
    def dimensions(self) -> list[IndicatorSpec]:
        """The top level of the tree (a top-level leaf is its own dimension)."""
        return self.children(None)

    def dimension_of(self, code: str) -> str:
        by_code, seen = self.by_code, set()
        node = by_code[code]
        while node.parent_code and node.parent_code in by_code and node.code not in seen:
            seen.add(node.code)
            node = by_code[node.parent_code]
        return node.code

    def required_codes(self) -> list[str]:
        return [i.code for i in self.leaves if i.method in REQUIRED_METHODS]


@dataclass(frozen=True)
class SchemeProblem:
    """Something wrong with a scheme, naming the indicator it is about."""

    code: str
    message: str


def validate_scheme(scheme: SchemeSpec) -> list[SchemeProblem]:
    """Every problem that would make the scheme unusable for scoring (empty list: fine)."""
    problems: list[SchemeProblem] = []
    by_code = scheme.by_code
    if not scheme.indicators:
        return [SchemeProblem("", _("The scheme has no indicators yet."))]
    for node in scheme.indicators:
        problems.extend(_node_problems(scheme, node, by_code))
    problems.extend(_cycle_problems(scheme, by_code))
    problems.extend(_weight_problems(scheme, None, TOTAL_WEIGHT))
    for node in scheme.indicators:
        kids = scheme.children(node.code)
        if kids:
            problems.extend(_weight_problems(scheme, node.code, node.weight))
    return problems


def _node_problems(scheme: SchemeSpec, node: IndicatorSpec, by_code: dict) -> list[SchemeProblem]:
    has_children = bool(scheme.children(node.code))
    messages = _place_messages(node, by_code, has_children)
    if not has_children:
        messages += _leaf_weight_messages(node) + _method_messages(node)
    return [SchemeProblem(node.code, message) for message in messages]


def _place_messages(node: IndicatorSpec, by_code: dict, has_children: bool) -> list[str]:
    """Where the node sits: its parent, its weight's sign, what may sit below it."""
    found = []
    if node.parent_code and node.parent_code not in by_code:
        found.append(_("its parent %(parent)s is not in the scheme", parent=node.parent_code))
    if node.weight < 0:
        found.append(_("the weight must not be negative"))
    if has_children and node.method in UNWEIGHTED_METHODS | {Method.DEDUCTION}:
        found.append(_("a %(method)s indicator cannot have indicators below it",
                       method=node.method.label))
    if not has_children and node.method == Method.GROUP:
        found.append(_("a dimension needs at least one indicator below it"))
    return found


def _leaf_weight_messages(node: IndicatorSpec) -> list[str]:
    if node.method in UNWEIGHTED_METHODS and node.weight:
        return [_("bonus and veto items carry no weight (they sit outside the 100 points); set "
                  "the weight to 0")]
    if node.method not in UNWEIGHTED_METHODS and node.weight <= 0:
        return [_("a scored indicator needs a weight above 0")]
    return []


def _method_messages(node: IndicatorSpec) -> list[str]:
    """What the scoring method needs: a target, bands, a cap, points per item."""
    found = []
    no_target = (
        node.target is None
        or node.target < 0
        or (node.direction == Direction.HIGHER and node.target == 0)
    )
    if node.method == Method.RATIO and no_target:
        found.append(_("a ratio indicator needs a target above 0"))
    if node.method == Method.BANDED:
        found += _band_messages(node)
    found += method_param_messages(node)
    if node.method == Method.BONUS and (node.cap is None or node.cap <= 0):
        found.append(_("a bonus item needs a cap above 0"))
    if node.method in (Method.DEDUCTION, Method.BONUS):
        if node.cap is not None and node.cap < 0:
            found.append(_("the cap must not be negative"))
        if node.per_item is not None and node.per_item <= 0:
            found.append(_("the points per item must be above 0"))
    return found


def _band_messages(node: IndicatorSpec) -> list[str]:
    if not node.bands:
        return [_("a banded indicator needs thresholds, e.g. 95:1, 90:0.8, 80:0.6")]
    if any(not 0 <= share <= 1 for _t, share in node.bands):
        return [_("each band's share of the weight must be between 0 and 1")]
    return []


def _cycle_problems(scheme: SchemeSpec, by_code: dict) -> list[SchemeProblem]:
    problems = []
    for node in scheme.indicators:
        seen, current = {node.code}, node
        while current.parent_code in by_code:
            current = by_code[current.parent_code]
            if current.code in seen:
                problems.append(SchemeProblem(node.code, _("the indicator is placed below itself")))
                break
            seen.add(current.code)
    return problems


def _weight_problems(scheme: SchemeSpec, parent: str | None,
                     expected: float) -> list[SchemeProblem]:
    siblings = [i for i in scheme.children(parent) if i.method not in UNWEIGHTED_METHODS]
    total = round(sum(i.weight for i in siblings), 6)
    if not siblings or abs(total - expected) <= WEIGHT_TOLERANCE:
        return []
    if parent is None:
        return [SchemeProblem("", _("the top-level weights add up to %(total)s, not %(expected)s",
                                    total=_num(total), expected=_num(expected)))]
    return [SchemeProblem(parent,
                          _("the weights below %(code)s add up to %(total)s, not its weight "
                            "%(expected)s",
                                    code=parent, total=_num(total), expected=_num(expected)))]


def _num(value: float) -> str:
    return f"{value:g}"


def parse_bands(text: str) -> tuple[tuple[float, float], ...]:
    """``"95:1, 90:0.8; 80:0.6"`` → ((95, 1.0), (90, 0.8), (80, 0.6)); raises ValueError."""
    bands = []
    for part in [
        p
        for p in text.replace("；", ";").replace("，", ",").replace(";", ",").split(",")
        if p.strip()
    ]:
        pieces = part.replace("：", ":").split(":")
        if len(pieces) != 2:
            raise ValueError(_("write bands as threshold:share, e.g. 95:1, 90:0.8"))
        try:
            bands.append((float(pieces[0]), float(pieces[1])))
        except ValueError:
            raise ValueError(_("write bands as threshold:share, e.g. 95:1, 90:0.8")) from None
    if not bands:
        raise ValueError(_("write bands as threshold:share, e.g. 95:1, 90:0.8"))
    return tuple(bands)


def format_bands(bands: Iterable[Sequence[float]] | None) -> str:
    return ", ".join(f"{_num(t)}:{_num(s)}" for t, s in (bands or ()))


PERCENT_LABELS = ("%", "％", "百分比")


def value_problem(spec: IndicatorSpec, value: float | None) -> str | None:
    """Why a value cannot be a score of this indicator (None: acceptable)."""
    if value is None:
        return None
    if not math.isfinite(value):
        return _("must be a number")
    if value < 0:
        return _("must not be negative")
    if spec.method == Method.DIRECT and value > spec.weight + 1e-9:
        return _("is more than the indicator's full score of %(weight)s", weight=_num(spec.weight))
    if spec.method == Method.VETO and value not in (0, 1):
        return _("must be 1 (veto triggered) or 0")
    if spec.unit_label.strip() in PERCENT_LABELS and value > 100 + 1e-9:
        return _("is a percentage: at most 100")
    return None
