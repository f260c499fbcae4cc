"""The configuration of a nightly run (:func:`optimizer.batch.run`, ``optimizer plan``
and ``optimizer validate``).

Everything a run needs besides the data, in a TOML file (``--config run.toml``);
command-line flags override it key by key. Paths in the file are relative to the
file's folder. Every key and its default is documented in ``docs/configuration.md``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from optimizer.exceptions import InputIssue, InvalidProblemError
from optimizer.io.plan_folder import CsvDialect
from optimizer.models.base import Frozen, TimeZoneName
from optimizer.models.settings import ObjectiveWeights, SolveOptions, SolverName, TravelSettings
from optimizer.timeaxis import time_zone


class InputConfig(Frozen):
    """The tables of one run (``.csv``, ``.parquet`` or ``.xlsx``); ``strict`` turns
    every bad row into a refused run (exit 2) instead of a row set aside; ``columns``
    maps, per table, the contract's column names to the export's headers
    (``[input.columns.orders] order_id = "Auftragsnummer"``); ``pass_through`` names the
    orders' own columns (customer, ticket, address...) that the outputs carry unchanged
    without a warning (other unknown order columns are carried too, with one);
    ``durations`` is a model learned from history (``optimizer learn``): each order's
    minutes per technician are then its ``duration_quantile`` (orders with
    ``duration_fixed`` and crews keep their ``duration_min``)."""

    orders: Path
    technicians: Path
    depots: Path | None = None
    strict: bool = False
    columns: dict[str, dict[str, str]] = Field(default_factory=dict)
    pass_through: tuple[str, ...] = ()
    durations: Path | None = Field(default=None, description="durations learned by 'optimizer learn' (JSON)")
    duration_quantile: float = Field(
        default=0.5, gt=0, lt=1, description="the quantile of the learned durations planned with"
    )


class HorizonConfig(Frozen):
    """The days to plan: ``start`` is a date, ``today`` or ``tomorrow`` (in ``tz``;
    left out, UTC with a warning naming it)."""

    start: dt.date | Literal["today", "tomorrow"]
    days: int = Field(default=1, ge=1, le=366)
    tz: TimeZoneName | None = None
    pickup_min: float = Field(default=10.0, ge=0, le=240)

    @field_validator("start", mode="before")
    @classmethod
    def _date_or_word(cls, start: object) -> object:
        if isinstance(start, str) and start not in ("today", "tomorrow"):
            try:
                return dt.date.fromisoformat(start)
            except ValueError:
                raise ValueError(f"expected a date like 2026-11-23, 'today' or 'tomorrow', got {start!r}") from None
        return start

    def first_day(self, now: dt.datetime | None = None) -> dt.date:
        """The first date of the horizon (``today``/``tomorrow`` resolved in ``tz``)."""
        if isinstance(self.start, dt.date):
            return self.start
        today = (now or dt.datetime.now(dt.UTC)).astimezone(time_zone(self.tz or "UTC")).date()
        return today + dt.timedelta(days=1 if self.start == "tomorrow" else 0)


class SolverConfig(Frozen):
    """How to solve: back-end, seconds, seed and an optional work limit (the fields of
    :class:`~optimizer.models.SolveOptions`, the back-end as ``name``); with
    ``workers`` (a local Dask cluster) or ``scheduler`` (a running one), regions of
    at most ``region_technicians`` technicians are planned apart, sharing ``time_limit``
    (the whole run's budget), or ``region_time_limit`` seconds each where it is given
    (see :mod:`optimizer.regions.cluster`)."""

    name: SolverName = "auto"
    time_limit: float | None = Field(default=None, gt=0)
    seed: int = 0
    max_solutions: int | None = Field(default=None, ge=1)
    workers: int | None = Field(default=None, ge=1)
    scheduler: str | None = None
    region_technicians: int = Field(default=60, ge=1)
    region_time_limit: float | None = Field(default=None, gt=0)

    @property
    def distributed(self) -> bool:
        """Whether regions are planned apart on Dask."""
        return self.workers is not None or self.scheduler is not None

    @property
    def options(self) -> SolveOptions:
        """The options of each solve."""
        return SolveOptions(
            solver=self.name, time_limit=self.time_limit, seed=self.seed, max_solutions=self.max_solutions
        )


class OutputConfig(Frozen):
    """Where the plan folder goes, the log file (JSON lines) if any, whether the folder
    gets the HTML report and ``plan.xlsx``, and the CSV dialect: ``en`` (``,`` between
    fields, a decimal point) or ``de`` (``;`` and a decimal comma, what a German Excel
    opens in columns)."""

    out: Path
    log: Path | None = None
    report: bool = True
    workbook: bool = True
    csv_dialect: CsvDialect = "en"


class RunConfig(Frozen):
    """One run: inputs, horizon, solver, objective weights, travel model, outputs
    (``output`` is needed to plan, not to validate)."""

    input: InputConfig
    horizon: HorizonConfig
    solver: SolverConfig = Field(default_factory=SolverConfig)
    objective: ObjectiveWeights = Field(default_factory=ObjectiveWeights)
    travel: TravelSettings = Field(default_factory=TravelSettings)
    output: OutputConfig | None = None


def load_config(path: str | Path | None, overrides: dict[str, Any]) -> RunConfig:
    """The configuration in the TOML file ``path`` (if any) with ``overrides`` applied:
    dotted keys such as ``"solver.time_limit"`` mapping to values (``None``: not given).
    Raises :class:`~optimizer.exceptions.InvalidProblemError` naming the file and key."""
    source = "command line"
    data: dict[str, Any] = {}
    if path is not None:
        file = Path(path)
        source = file.name
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InvalidProblemError([InputIssue(str(file), None, None, "file not found")]) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise InvalidProblemError([InputIssue(file.name, None, None, f"not valid TOML: {error}")]) from None
        except OSError as error:
            raise InvalidProblemError([InputIssue(str(file), None, None, f"cannot be read: {error}")]) from None
        _resolve_paths(data, file.parent)
    for key, value in overrides.items():
        if value is not None:
            section, name = key.split(".")
            table = data.setdefault(section, {})
            if not isinstance(table, dict):
                raise InvalidProblemError(
                    [InputIssue(source, None, section, "expected a table ([section])", value=str(table), row_kind="")]
                )
            table[name] = value
    return _validated(RunConfig, data, source)


def solver_config(overrides: dict[str, Any], **defaults: Any) -> SolverConfig:
    """The solver settings given as ``solver.*`` flags in ``overrides``, else ``defaults``
    (for commands without a configuration file)."""
    given = {
        key.split(".")[1]: value for key, value in overrides.items() if key.startswith("solver.") and value is not None
    }
    return _validated(SolverConfig, defaults | given, "command line", prefix="solver.")


def _validated(model: type[Frozen], data: dict[str, Any], source: str, prefix: str = "") -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidProblemError(
            [
                InputIssue(
                    source, None, prefix + ".".join(map(str, e["loc"])) or None, _message(e, prefix), row_kind=""
                )
                for e in error.errors()
            ]
        ) from None


def _resolve_paths(data: dict[str, Any], base: Path) -> None:
    """Make the file's relative paths relative to its folder."""
    sections = (
        ("input", ("orders", "technicians", "depots", "durations")),
        ("output", ("out", "log")),
        ("travel", ("osm_file",)),
    )
    for section, keys in sections:
        table = data.get(section)
        if isinstance(table, dict):
            for key in keys:
                if isinstance(table.get(key), str):
                    table[key] = str(base / table[key])


_REQUIRED_FLAGS = {
    "input": ("orders", "technicians"),
    "horizon": ("start",),
    "output": ("out",),
}
"""The keys each section needs, each given by the flag of its name (``--orders``)."""


def _message(error: Any, prefix: str = "") -> str:
    if error["type"] == "missing":
        key = prefix + ".".join(map(str, error["loc"]))
        section, _, name = key.partition(".")
        names = (name,) if name else _REQUIRED_FLAGS.get(section, ())
        if section in _REQUIRED_FLAGS and names:
            flags = " and ".join(f"--{n}" for n in names)
            keys = ", ".join(f"{section}.{n}" for n in names)
            return f"required: give {flags} (or {keys} in the --config file)"
        return "required key is missing (give it in the file or as a flag)"
    if error["type"] == "extra_forbidden":
        return "unknown key"
    return str(error["msg"]).removeprefix("Value error, ")
