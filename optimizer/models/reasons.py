"""Why an order is not planned: the machine-readable codes and their sentences."""

from __future__ import annotations

from enum import Enum


class Reason(str, Enum):
    """Reason codes for unplanned orders, checked in this order: before solving (up to
    ``parts_unavailable_until``), then against the plan (:mod:`optimizer.decode.reasons`);
    ``region_failed`` comes from :mod:`optimizer.regions.cluster`, ``depends_on_rejected_row``
    from the batch's reader (:func:`optimizer.io.read_tables`)."""

    AFTER_HORIZON = "after_horizon"
    OUTSIDE_ALL_WINDOWS = "outside_all_windows"
    REQUIRED_TECHNICIAN_UNQUALIFIED = "required_technician_unqualified"
    ONLY_EXCLUDED_TECHNICIANS = "only_excluded_technicians"
    NO_SKILLED_TECHNICIAN = "no_skilled_technician"
    NO_STOCK_IN_REACH = "no_stock_in_reach"
    NO_TECHNICIAN_WITH_TOOLS = "no_technician_with_tools"
    LOAD_EXCEEDS_CAPACITY = "load_exceeds_capacity"
    NO_TECHNICIAN_AVAILABLE = "no_technician_available"
    NO_SHIFT_FITS = "no_shift_fits"
    PARTS_UNAVAILABLE_UNTIL = "parts_unavailable_until"
    TOOLS_LENT_OUT = "tools_lent_out"
    DEFERRED = "deferred"
    TOO_COSTLY = "too_costly"
    NOT_REACHED = "not_reached"
    NOT_ENOUGH_CAPACITY = "not_enough_capacity"
    REGION_FAILED = "region_failed"
    DEPENDS_ON_REJECTED_ROW = "depends_on_rejected_row"
    PREDECESSOR_UNPLANNED = "predecessor_unplanned"
    NO_ROOM_AFTER_PREDECESSOR = "no_room_after_predecessor"
    CREW_NOT_STAFFED = "crew_not_staffed"


EXPLANATION: dict[Reason, str] = {
    Reason.AFTER_HORIZON: "its earliest start or all its windows lie after the planning horizon",
    Reason.OUTSIDE_ALL_WINDOWS: "all its time windows lie before the planning horizon",
    Reason.REQUIRED_TECHNICIAN_UNQUALIFIED: (
        "the required technician lacks a skill level, part or tool it needs, or its load"
    ),
    Reason.ONLY_EXCLUDED_TECHNICIANS: (
        "the technicians with the skills, parts, tools and capacity it needs are all excluded from serving it"
    ),
    Reason.NO_SKILLED_TECHNICIAN: "no technician has all the skills at the levels it needs",
    Reason.NO_STOCK_IN_REACH: (
        "the parts it needs are not on the van of a skilled technician who could come, "
        "nor in stock at a depot one could stop at before it"
    ),
    Reason.NO_TECHNICIAN_WITH_TOOLS: (
        "no skilled technician who can get the parts carries the tools it needs, and no depot lends them"
    ),
    Reason.TOOLS_LENT_OUT: (
        "no qualified technician has a tool it needs, and every copy the depots lend is kept by "
        "other technicians for the horizon"
    ),
    Reason.LOAD_EXCEEDS_CAPACITY: "its load exceeds the van capacity of every qualified technician",
    Reason.NO_TECHNICIAN_AVAILABLE: "no qualified technician works on a day of the horizon",
    Reason.NO_SHIFT_FITS: (
        "no qualified technician can drive there, serve it within a window and get home "
        "within shift plus allowed overtime on any day"
    ),
    Reason.PARTS_UNAVAILABLE_UNTIL: (
        "its parts arrive too late: after the last time a technician could still serve it"
    ),
    Reason.DEFERRED: "it is due after the horizon and cheaper to plan later than in this plan",
    Reason.TOO_COSTLY: (
        "it fits into a qualified technician's day (a job longer than a day: over consecutive days) only at a "
        "cost above leaving it out (a long drive, overtime, other visits made late, or days made less fair)"
    ),
    Reason.NOT_REACHED: "not reached within the time or work limit",
    Reason.NOT_ENOUGH_CAPACITY: "every qualified technician-day was tried and is full: it fits nowhere",
    Reason.REGION_FAILED: "its region was planned apart and its plan failed twice",
    Reason.DEPENDS_ON_REJECTED_ROW: (
        "an input row it depends on (its required technician, or the order it follows) was set aside for a bad "
        "cell (see rejected.csv)"
    ),
    Reason.PREDECESSOR_UNPLANNED: "the visit it follows (after) is not planned, so it cannot be either",
    Reason.CREW_NOT_STAFFED: (
        "it needs several technicians at once, and no start was found where enough of them who hold the crew "
        "skills (one of them the order's skills, parts and tools) are free together, at less than leaving it out"
    ),
    Reason.NO_ROOM_AFTER_PREDECESSOR: (
        "no technician who may serve it has room for it in the time after the visit it follows "
        "(its gap, after_max and same_technician)"
    ),
}
