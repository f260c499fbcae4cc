"""``tests/`` mirrors the package: every module of ``optimizer/`` with logic has its own
test module, ``optimizer/<folder>/<module>.py`` -> ``tests/<folder>/test_<module>.py``
(top-level modules: ``tests/test_<module>.py``). Package ``__init__`` files only
re-export; modules that hold no logic at all are listed below."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "optimizer"

DATA_ONLY = {
    "__main__.py",  # ``python -m optimizer``: one call to optimizer.cli.main, tested through it
    "models/reasons.py",  # the Reason enum and one sentence per reason: no function or method
    "exits.py",  # the exit codes: constants only
}
"""Modules exempt from having a test module of their own: no function bodies of logic."""


def mirrored(module: Path) -> Path:
    """The test module of ``module`` (a path below ``optimizer/``)."""
    return ROOT / "tests" / module.parent / f"test_{module.stem}.py"


def modules() -> list[Path]:
    """Every module of the package but its ``__init__`` files, relative to ``optimizer/``."""
    return sorted(p.relative_to(PACKAGE) for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")


def test_every_module_with_logic_has_its_test_module() -> None:
    missing = [str(m) for m in modules() if m.as_posix() not in DATA_ONLY and not mirrored(m).is_file()]
    assert not missing, f"modules without tests/<folder>/test_<module>.py: {missing}"


def test_the_exempt_modules_exist_and_have_no_test_module_of_their_own() -> None:
    """A module that gains a test module, or disappears, leaves the list."""
    known = {m.as_posix() for m in modules()}
    assert not DATA_ONLY - known, f"no longer in the package: {DATA_ONLY - known}"
    tested = [name for name in DATA_ONLY if mirrored(Path(name)).is_file()]
    assert not tested, f"tested, so no longer exempt: {tested}"


def test_the_mirror_rule_by_example() -> None:
    assert mirrored(Path("check/plan_rules.py")) == ROOT / "tests" / "check" / "test_plan_rules.py"
    assert mirrored(Path("solve.py")) == ROOT / "tests" / "test_solve.py"
