"""A condition on a sweep's outcomes (``imssim-discover --where``), read without
``eval``: the text is parsed by Python's own parser into a tree, and only the nodes
below are evaluated; anything else (a call, an attribute, a string, a subscript ...) is
refused with one line.

- names of outcome columns, as they are in ``runs.parquet``: ``worst_shortfall_pct``,
  ``n_strategic_diff``; a column whose name is not a Python name (``capacity_to_act_index@2035``
  of a sensitivity study) as it is, or between backticks as in pandas;
- numbers;
- comparisons ``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=`` (chained too:
  ``20 < shortfall_pct < 30``);
- arithmetic ``+``, ``-``, ``*``, ``/`` and ``abs(...)``;
- ``and``, ``or``, ``not``, and pandas' ``&``, ``|``, ``~`` on conditions, with brackets.

The whole must be a condition (true or false for each run), not a number. A run with a
missing value in a column the condition names is neither: :meth:`Condition.known` says
which runs can be judged.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from imssim.errors import ImssimError

MAX_LENGTH = 500  # characters of a condition

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_ARITHMETIC: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_LOGICAL: dict[type[ast.AST], Callable[[Any, Any], Any]] = {
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.And: operator.and_,
    ast.Or: operator.or_,
}
# a column name that is no Python name: <outcome>@<year> (a study's outcome in a year)
_AT_YEAR = re.compile(r"(?<![\w`])([A-Za-z_]\w*@\d+)")
_BACKTICKS = re.compile(r"`([^`]*)`")
_PLACEHOLDER = "_column_{}_"


@dataclass(frozen=True)
class Condition:
    """A parsed condition: its text, the columns it names (in the order first named)
    and its tree (names of quoted columns replaced by placeholders, see ``quoted``)."""

    text: str
    columns: tuple[str, ...]
    tree: ast.Expression
    quoted: dict[str, str]

    def known(self, frame: pd.DataFrame) -> pd.Series:
        """True for the rows of `frame` with a value in every column the condition names."""
        return frame[list(self.columns)].notna().all(axis=1)

    def evaluate(self, frame: pd.DataFrame) -> pd.Series:
        """The condition for each row of `frame` (a boolean Series on its index; False
        where a value it needs is missing)."""
        value = _Evaluator(frame, self.quoted).visit(self.tree.body)
        if not _is_boolean(value):
            raise ImssimError(f"--where {self.text!r}: not a condition (true or false for a run)")
        series = pd.Series(np.broadcast_to(np.asarray(value), len(frame)), index=frame.index)
        return series.fillna(False).astype(bool) & self.known(frame)


def parse_condition(text: str, valid: Sequence[str]) -> Condition:
    """Parse `text` as a condition on the columns `valid` (see the module's
    description). Raises :class:`ImssimError` (one line) for text that cannot be read,
    a construct that is not allowed, or a column not in `valid` (naming the valid ones)."""
    if not text.strip():
        raise ImssimError("--where: empty condition; give one such as 'worst_shortfall_pct > 30'")
    if len(text) > MAX_LENGTH:
        raise ImssimError(f"--where: condition longer than {MAX_LENGTH} characters")
    quoted: dict[str, str] = {}

    def quote(match: re.Match[str]) -> str:
        name = match.group(1)
        for key, known in quoted.items():
            if known == name:
                return key
        key = _PLACEHOLDER.format(len(quoted))
        quoted[key] = name
        return key

    source = _AT_YEAR.sub(quote, _BACKTICKS.sub(quote, text))
    if "`" in source:
        raise ImssimError(f"--where {text!r}: a backtick is not closed")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ImssimError(f"--where {text!r}: cannot be read ({exc.msg})") from None
    columns: list[str] = []
    nodes = list(ast.walk(tree))
    functions = {id(n.func) for n in nodes if isinstance(n, ast.Call)}  # abs: no column
    for node in nodes:
        _check_node(node, text)
        if isinstance(node, ast.Name) and id(node) not in functions:
            name = quoted.get(node.id, node.id)
            if name not in columns:
                columns.append(name)
    known = set(valid)
    for name in columns:
        if name not in known:
            raise ImssimError(
                f"--where names {name!r}, not an outcome column of this sweep; "
                f"the outcome columns are: {', '.join(columns_in_short(valid))}"
            )
    if not columns:
        raise ImssimError(f"--where {text!r}: names no outcome column")
    return Condition(text=text, columns=tuple(columns), tree=tree, quoted=quoted)


def columns_in_short(columns: Sequence[str]) -> list[str]:
    """Column names as a line lists them: an outcome recorded in several years once, as
    ``<outcome>@<year> (2013-2035)``, with its first and last year."""
    years: dict[str, list[int]] = {}
    out: list[str] = []
    for column in columns:
        key, at, year = column.partition("@")
        if at and year.isdigit():
            if key not in years:
                years[key] = []
                out.append(key + "@")
            years[key].append(int(year))
        else:
            out.append(column)
    listed = []
    for c in out:
        seen = years.get(c[:-1], []) if c.endswith("@") else []
        if len(seen) == 1:
            c = f"{c}{seen[0]}"
        elif seen:
            c = f"{c}<year> ({min(seen)}-{max(seen)})"
        listed.append(c)
    return listed


_ALLOWED = (
    ast.Expression,
    ast.BoolOp,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.Call,
    ast.And,
    ast.Or,
    ast.Not,
    ast.Invert,
    ast.USub,
    ast.UAdd,
    *_COMPARE,
    *_ARITHMETIC,
    ast.BitAnd,
    ast.BitOr,
)


def _check_node(node: ast.AST, text: str) -> None:
    """Refuse a node the evaluator does not take."""
    if not isinstance(node, _ALLOWED):
        what = type(node).__name__.lower()
        raise ImssimError(
            f"--where {text!r}: {what} not allowed (outcome columns, numbers, comparisons, "
            "+ - * /, abs(), and/or/not)"
        )
    if isinstance(node, ast.Constant) and (
        isinstance(node.value, bool) or not isinstance(node.value, int | float)
    ):
        raise ImssimError(f"--where {text!r}: {node.value!r} is not a number")
    if isinstance(node, ast.Call) and not (
        isinstance(node.func, ast.Name)
        and node.func.id == "abs"
        and len(node.args) == 1
        and not node.keywords
    ):
        raise ImssimError(f"--where {text!r}: the only function allowed is abs(x)")


def _is_boolean(value: Any) -> bool:
    return bool(np.asarray(value).dtype == bool)


class _Evaluator(ast.NodeVisitor):
    """Evaluates a checked tree on the columns of a frame."""

    def __init__(self, frame: pd.DataFrame, quoted: dict[str, str]) -> None:
        self.frame = frame
        self.quoted = quoted

    def visit_Name(self, node: ast.Name) -> Any:
        """A column's values, as floats."""
        return self.frame[self.quoted.get(node.id, node.id)].astype(float)

    def visit_Constant(self, node: ast.Constant) -> Any:
        """A number."""
        return node.value

    def visit_Call(self, node: ast.Call) -> Any:
        """abs(x), the one function allowed."""
        return np.abs(self.visit(node.args[0]))

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        """-x, +x, not c, ~c."""
        value = self.visit(node.operand)
        if isinstance(node.op, ast.Not | ast.Invert):
            return ~self._condition(value)
        return -value if isinstance(node.op, ast.USub) else value

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        """Arithmetic, or & and | between conditions."""
        left, right = self.visit(node.left), self.visit(node.right)
        kind = type(node.op)
        if kind in _LOGICAL:
            return _LOGICAL[kind](self._condition(left), self._condition(right))
        if _is_boolean(left) or _is_boolean(right):
            raise ImssimError("--where: arithmetic on a condition; compare numbers instead")
        return _ARITHMETIC[kind](left, right)

    def visit_BoolOp(self, node: ast.BoolOp) -> Any:
        """and, or between conditions."""
        conditions = [self._condition(self.visit(part)) for part in node.values]  # noqa: PD011
        result = conditions[0]
        for condition in conditions[1:]:
            result = _LOGICAL[type(node.op)](result, condition)
        return result

    def visit_Compare(self, node: ast.Compare) -> Any:
        """A comparison, chained ones as the conjunction of their links."""
        left = self.visit(node.left)
        result: Any = True
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.visit(right_node)
            if _is_boolean(left) or _is_boolean(right):
                raise ImssimError("--where: a comparison of a condition; compare numbers")
            result = result & _COMPARE[type(op)](left, right)
            left = right
        return result

    def generic_visit(self, node: ast.AST) -> Any:
        """Nothing else reaches here: the tree was checked."""
        raise ImssimError(f"--where: {type(node).__name__.lower()} not allowed")

    @staticmethod
    def _condition(value: Any) -> Any:
        if not _is_boolean(value):
            raise ImssimError("--where: and/or/not join conditions, not numbers")
        return value
