"""What a dashboard session plays: the settings a user picks, the config they make, and
the run stepped year by year beside its counterfactual.

Nothing here knows of the browser: :class:`DashboardModel` is a Mesa model like
:class:`~imssim.model.simulation.CooperationModel`, which the page
(:mod:`imssim.present.dashboard.app`) builds once per browser session and steps with
Mesa's controls.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from functools import lru_cache

import mesa
from omegaconf import OmegaConf

from imssim.config import (
    Config,
    conf_dir,
    counterfactual_config,
    scale_budget_changes,
    scale_threat_events,
    to_config,
)
from imssim.model.simulation import CooperationModel
from imssim.model.tables import Tables
from imssim.present.dashboard.catalogue import scenario_value
from imssim.world import World, load_world

SCALE_RANGE = (0.0, 2.0)  # the sliders' range for the size of budget changes and threat rises
_SCHEMA = Config()


@lru_cache(maxsize=1)
def shipped_defaults() -> dict[str, str]:
    """The scenario and policy the command line runs by default (``conf/config.yaml``)."""
    content = OmegaConf.to_container(OmegaConf.load(conf_dir() / "config.yaml"))
    assert isinstance(content, dict)
    return {
        str(key): str(value)
        for entry in content.get("defaults", [])
        if isinstance(entry, dict)
        for key, value in entry.items()
        if key in ("scenario", "policy")
    }


@dataclass(frozen=True)
class DashboardSettings:
    """Everything a user chooses on the page; the rest of the config keeps its defaults.

    `budget_scale` multiplies the scenario's budget changes (cuts and rises; 0: none,
    1: as the scenario has them) and `threat_scale` its threat events' rises
    (:func:`imssim.config.scale_budget_changes`, :func:`imssim.config.scale_threat_events`).
    """

    scenario: str = dataclasses.field(default_factory=lambda: shipped_defaults()["scenario"])
    policy: str = dataclasses.field(default_factory=lambda: shipped_defaults()["policy"])
    focal: str = _SCHEMA.focal
    budget_scale: float = 1.0
    threat_scale: float = 1.0
    catalyst: float = _SCHEMA.catalyst
    coordinated_cuts: bool = _SCHEMA.coordinated_cuts
    seed: int = _SCHEMA.seed
    end_year: int = _SCHEMA.end_year

    def config(self) -> Config:
        """The checked config of the run (ConfigError, one line, for an impossible value)."""
        base = to_config(
            {
                "scenario": scenario_value(self.scenario),
                "policy": self.policy,
                "focal": self.focal,
                "catalyst": float(self.catalyst),
                "coordinated_cuts": bool(self.coordinated_cuts),
                "seed": int(self.seed),
                "end_year": int(self.end_year),
                "counterfactual": "baseline",
            }
        )
        scenario = scale_budget_changes(base.scenario, float(self.budget_scale))
        scenario = scale_threat_events(scenario, float(self.threat_scale))
        return to_config(dataclasses.replace(base, scenario=scenario))


class DashboardModel(mesa.Model):
    """A run and its counterfactual, one year per step.

    The counterfactual is the same world, seed, policy and settings without the
    scenario's budget changes and budget rules
    (:func:`imssim.config.counterfactual_config`); both draw the same random numbers,
    so a difference between them is the scenario's effect. ``run`` and
    ``counterfactual`` are the two :class:`~imssim.model.simulation.CooperationModel` instances.
    """

    def __init__(
        self, settings: DashboardSettings | None = None, *, world: World | None = None
    ) -> None:
        settings = DashboardSettings() if settings is None else settings
        config = settings.config()
        super().__init__(rng=config.seed)
        self.settings = settings
        self.config = config
        self.world = world if world is not None else load_world(config.world.data_dir)
        self.run = CooperationModel(config, world=self.world)
        other = counterfactual_config(config)
        assert other is not None  # the settings always ask for the baseline counterfactual
        self.counterfactual = CooperationModel(other, world=self.world)
        self._tables: tuple[int, Tables, Tables] | None = None
        # Play steps the model in a thread of its own while the page may draw it: a step
        # and the reading of the tables wait for each other
        self._lock = threading.RLock()

    @property
    def year(self) -> int:
        """The year both runs have reached (the start year before the first step)."""
        return self.run.year

    @property
    def years(self) -> tuple[int, int]:
        """The first and the last year of the run."""
        return self.config.start_year, self.config.end_year

    def step(self) -> None:
        """Advance both runs one year; stop at the end year."""
        with self._lock:
            self.run.step()
            self.counterfactual.step()
            self.running = self.run.running

    def advance_to(self, year: int) -> None:
        """Step until `year` (or the end year, whichever comes first)."""
        while self.running and self.year < min(year, self.config.end_year):
            self.step()

    def snapshot(self) -> tuple[int, Tables, Tables]:
        """The year reached and the tables of the run and of its counterfactual up to it
        (built once a year), taken together."""
        with self._lock:
            if self._tables is None or self._tables[0] != self.year:
                self._tables = (self.year, self.run.tables(), self.counterfactual.tables())
            return self._tables

    def tables(self) -> tuple[Tables, Tables]:
        """The tables of the run and of its counterfactual so far."""
        _, run, counterfactual = self.snapshot()
        return run, counterfactual
