"""A whole scenario in a policy reader's words: one row per entry of its settings.

:func:`scenario_rows` turns a :class:`~imssim.config.ScenarioConfig` into
:class:`ScenarioRow` s, one for its GDP growth and one for every growth change, budget
rule, budget change, threat event and membership change, in that order. Each row says
what the model does with the entry (:mod:`imssim.model.economy` for growth, budgets and
threat, :func:`imssim.model.frameworks.membership_schedule` for memberships), when, and
for which states, named as a reader would name them. The report's scenario table, the
run summary's ``scenario:`` block and the dashboard all use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from imssim.config import (
    BudgetChange,
    BudgetRule,
    GrowthChange,
    MembershipChange,
    ScenarioConfig,
    ThreatEvent,
)
from imssim.errors import WorldDataError
from imssim.world.world import REGIONS, World

REGION_WORDS = {
    "north": "north",
    "west": "west",
    "south": "south",
    "east": "east",
    "north_america": "North American",
    "other": "other",
}

GROUP_WORDS = {
    "benelux": "Benelux",
    "nordic": "Nordic",
    "visegrad": "Visegrád",
    "weimar": "Weimar",
    "baltic": "Baltic",
    "nb8": "Nordic-Baltic Eight",
    "northern_group": "Northern Group",
}

# the threat events' default origin (ThreatEvent.origin_lat, origin_lon)
MOSCOW = (ThreatEvent().origin_lat, ThreatEvent().origin_lon)


@dataclass(frozen=True)
class ScenarioRow:
    """One entry of a scenario in words: its kind, its years and what it does."""

    kind: str  # growth, growth change, budget rule, budget change, threat event, membership
    when: str  # "2012-2015", "from 2015", "2014", "every year"
    what: str  # what the model does, the states named

    @property
    def sentence(self) -> str:
        """The row as one line: 'when: what'."""
        return f"{self.when}: {self.what}"


def state_name(code: str, names: dict[str, str], *, start: bool = False) -> str:
    """A state's name as used in a sentence ('the Netherlands', 'Spain')."""
    name = names.get(code, code)
    if name.startswith("United ") or name in ("Netherlands", "Czech Republic"):
        name = f"{'The' if start else 'the'} {name}"
    return name


def states_words(world: World, codes: Sequence[str] | None = None) -> str:
    """How many states a world holds (or `codes` of it), and what they are:
    '49 states (34 NATO and EU members of 2012, 15 partners)'."""
    chosen = world.selector(list(codes)) if codes is not None else world.selector("all")
    members = int((chosen & (world.nato | world.eu)).sum())
    n = int(chosen.sum())
    return (
        f"{_count(n, 'state')} ({_count(members, 'NATO and EU member', 'NATO and EU members')}"
        f" of 2012, {_count(n - members, 'partner')})"
    )


def _count(n: int, one: str, many: str | None = None) -> str:
    """'1 partner', '15 partners'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def join(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def share(value: float) -> str:
    """A fraction as a percentage with a decimal only where needed: 0.08 -> '8 %'."""
    pct = 100 * value
    return f"{pct:.0f} %" if abs(pct - round(pct)) < 1e-6 else f"{pct:.1f} %"


def who_words(who: Sequence[str], names: dict[str, str]) -> str:
    """'all', regions, memberships (of 2012: the model's world), groups and ISO3 codes
    in plain words."""
    regions = [w for w in who if w in REGIONS]
    phrases = []
    if "all" in who:
        phrases.append("all states")
    if regions:
        words = [REGION_WORDS.get(r, r) for r in regions]
        phrases.append(f"the {join(words)} region{'s' if len(words) > 1 else ''}")
    if "nato" in who:
        phrases.append("the NATO members of 2012")
    if "eu" in who:
        phrases.append("the EU members of 2012")
    groups = [w for w in who if w in GROUP_WORDS]
    if groups:
        words = [GROUP_WORDS[g] for g in groups]
        phrases.append(f"the {join(words)} group{'s' if len(words) > 1 else ''}")
    known = {"all", "nato", "eu", *REGIONS, *GROUP_WORDS}
    phrases += [state_name(w, names) for w in who if w not in known]
    return join(phrases) or "no state"


def _one_state(who: Sequence[str]) -> bool:
    """Whether `who` names a single state (one ISO3 code), for the verb's number."""
    known = {"all", "nato", "eu", *REGIONS, *GROUP_WORDS}
    return len(who) == 1 and who[0] not in known


class _Who:
    """The states an entry names, with the verbs and pronouns that agree with them."""

    def __init__(self, who: Sequence[str], names: dict[str, str], world: World | None) -> None:
        self.one = _one_state(who)
        words = who_words(who, names)
        if world is not None and not self.one and "all" not in who:
            try:
                n = int(world.selector(list(who)).sum())
            except WorldDataError:  # an unknown name: the model's own check reports it
                n = -1
            if n >= 0:
                words += f" ({n} state{'s' if n != 1 else ''})"
        self.words = words

    def verb(self, singular: str, plural: str) -> str:
        """The subject and its verb: 'Germany cuts', 'all states cut'."""
        return f"{self.words} {singular if self.one else plural}"

    @property
    def their(self) -> str:
        """'its' for one state, 'their' for several."""
        return "its" if self.one else "their"

    @property
    def budgets(self) -> str:
        """'its defence budget' or 'their defence budgets'."""
        return "its defence budget" if self.one else "their defence budgets"


def _years(start: int, end: int) -> str:
    return f"{start}" if start == end else f"{start}-{end}"


def _growth_row(gc: GrowthChange, names: dict[str, str], world: World | None) -> ScenarioRow:
    who = _Who(gc.who, names, world)
    if gc.growth == 0:
        what = f"{who.verb('has', 'have')} no real GDP growth"
    elif gc.growth < 0:
        what = f"real GDP of {who.words} shrinks by {share(-gc.growth)} a year"
    else:
        what = f"real GDP of {who.words} grows by {share(gc.growth)} a year"
    return ScenarioRow("growth change", _years(gc.start, gc.end), what)


def _change_row(ch: BudgetChange, names: dict[str, str], world: World | None) -> ScenarioRow:
    who = _Who(ch.who, names, world)
    steps = []
    if ch.cut:
        steps.append(f"{who.verb('cuts', 'cut')} {who.budgets} by {share(ch.cut)}")
    if ch.rise:
        head = "and raise" if ch.cut else who.verb("raises", "raise")
        if ch.cut and who.one:
            head = "and raises"
        steps.append(f"{head} {who.budgets} by {share(ch.rise)}")
    if not steps:
        steps.append(f"{who.verb('keeps', 'keep')} {who.budgets} unchanged")
    what = " ".join(steps)
    if ch.end > ch.start:
        what += f", phased in evenly to {ch.end}, then held"
    else:
        what += " at once, then held"
    return ScenarioRow("budget change", _years(ch.start, ch.end), what)


def _rule_row(rule: BudgetRule, names: dict[str, str], world: World | None) -> ScenarioRow:
    who = _Who(rule.who, names, world)
    if rule.rule == "target_share":
        what = (
            f"{who.verb('moves', 'move')} towards {share(rule.share)} of GDP for defence "
            f"by {rule.end}, evenly from {who.their} {rule.start - 1} share "
            f"(already above: kept)"
        )
        when = f"from {rule.start}"
    elif rule.rule == "threat":
        what = (
            f"{who.verb('sets', 'set')} {who.their} defence share of GDP by "
            f"{who.their} threat level, closing part of the distance each year, "
            f"held after {rule.end}"
        )
        when = f"from {rule.start}"
    else:
        what = (
            f"{who.verb('spends', 'spend')} the observed defence share of GDP, "
            f"held at {who.their} last observed share after {rule.end}"
        )
        when = _years(rule.start, rule.end)
    return ScenarioRow("budget rule", when, f"{what} (budget rule '{rule.rule}')")


def _place(lat: float, lon: float) -> str:
    spot = f"({lat:.2f}, {lon:.2f})"
    return f"Moscow {spot}" if (lat, lon) == MOSCOW else spot


def _threat_row(ev: ThreatEvent, names: dict[str, str], world: World | None) -> ScenarioRow:
    who = _Who(ev.who, names, world)
    what = f"threat rises by {ev.rise:g} for {who.words}"
    if ev.near_rise:
        what += (
            f", up to {ev.near_rise:g} more the nearer a capital is to "
            f"{_place(ev.origin_lat, ev.origin_lon)}"
        )
    return ScenarioRow("threat event", f"from {ev.year}", what + " (2012 = 1; lasting)")


def _membership_row(
    mc: MembershipChange, names: dict[str, str], world: World | None
) -> ScenarioRow:
    who = _Who(mc.who, names, world)
    body = "NATO" if mc.institution == "nato" else "the EU"
    what = who.verb("joins", "join") if mc.change == "join" else who.verb("leaves", "leave")
    return ScenarioRow("membership", f"{mc.year}", f"{what} {body}")


def scenario_rows(
    scenario: ScenarioConfig, names: dict[str, str] | None = None, world: World | None = None
) -> list[ScenarioRow]:
    """The scenario in words: its GDP growth, then one row per growth change, budget
    rule, budget change, threat event and membership change, each list in its order.

    `names` (ISO3 code -> name) names the states (codes where missing); with `world`,
    each group's number of states is given too.
    """
    names = names if names is not None else (world.name_of if world is not None else {})
    rows = [
        ScenarioRow(
            "growth",
            "every year",
            f"real GDP of every state grows by {share(scenario.gdp_growth)} a year"
            + (" unless a growth change says otherwise" if scenario.growth_changes else ""),
        )
    ]
    rows += [_growth_row(g, names, world) for g in scenario.growth_changes]
    rows += [_rule_row(r, names, world) for r in scenario.budget_rules]
    rows += [_change_row(c, names, world) for c in scenario.budget_changes]
    rows += [_threat_row(t, names, world) for t in scenario.threat_events]
    rows += [_membership_row(m, names, world) for m in scenario.membership_changes]
    return rows


def scenario_lines(
    scenario: ScenarioConfig,
    names: dict[str, str] | None = None,
    world: World | None = None,
    limit: int = 8,
) -> list[str]:
    """The scenario's rows as sentences, at most `limit` of them, then 'and N more'."""
    rows = [row.sentence for row in scenario_rows(scenario, names, world)]
    if len(rows) <= limit:
        return rows
    return [*rows[: limit - 1], f"and {len(rows) - limit + 1} more"]
