"""Derive a variant of a problem: add, remove or change orders and technicians, and
change weights, travel or horizon settings (the engine of ``Problem.with_changes``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from optimizer.models.base import Frozen

if TYPE_CHECKING:
    from optimizer.models.problem import Problem

Item = TypeVar("Item", bound=Frozen)
Update = Mapping[str, Mapping[str, Any]] | Callable[[Any], Mapping[str, Any] | None] | None
"""Per id, the fields to set; or a function of each item giving its fields (or None)."""


def with_changes(
    problem: Problem,
    *,
    add_orders: Iterable[Any] = (),
    remove_orders: Iterable[str] = (),
    update_orders: Update = None,
    add_technicians: Iterable[Any] = (),
    remove_technicians: Iterable[str] = (),
    update_technicians: Update = None,
    weights: Mapping[str, Any] | Frozen | None = None,
    travel: Mapping[str, Any] | Frozen | None = None,
    **settings: Any,
) -> Problem:
    """A new, validated problem: ``problem`` with the changes applied (removals, then
    updates, then additions); ``problem`` itself is unchanged. ``weights`` and ``travel``
    are fields to set or whole new settings (``travel=calibration.settings``). ``settings`` set other
    fields (``days``, ``start``, ``pickup_min``, ...). Unknown ids raise ``KeyError``."""
    orders = _changed(problem.orders, remove_orders, update_orders, add_orders, "order")
    technicians = _changed(problem.technicians, remove_technicians, update_technicians, add_technicians, "technician")
    fields = {name: getattr(problem, name) for name in type(problem).model_fields}
    fields |= {"orders": orders, "technicians": technicians, **settings}
    if weights is not None:
        fields["weights"] = _updated(problem.weights, weights)
    if travel is not None:
        fields["travel"] = _updated(problem.travel, travel)
    return type(problem)(**fields)


def _changed(
    items: tuple[Item, ...], remove: Iterable[str], update: Update, add: Iterable[Item], kind: str
) -> tuple[Item, ...]:
    gone = set(remove)
    known = {item.id for item in items}  # type: ignore[attr-defined]
    named = set(update) if isinstance(update, Mapping) else set()
    unknown = (gone | named) - known
    if unknown:
        raise KeyError(f"no {kind} with id {', '.join(sorted(unknown))}")
    kept = []
    for item in items:
        if item.id in gone:  # type: ignore[attr-defined]
            continue
        fields = update.get(item.id) if isinstance(update, Mapping) else update(item) if update else None  # type: ignore[attr-defined]
        kept.append(_updated(item, fields) if fields else item)
    return (*kept, *add)


def _updated(item: Item, fields: Mapping[str, Any] | Frozen) -> Item:
    """``item`` with ``fields`` (or all fields of a model) set, validated like a new one."""
    given = fields.model_dump() if isinstance(fields, Frozen) else fields
    return type(item).model_validate({**item.model_dump(), **given})
