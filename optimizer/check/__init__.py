"""The independent plan checker: feasibility and cost recomputed from the problem
alone, sharing no arithmetic with the solvers (:mod:`optimizer.check.plan_rules` for
the rules, :mod:`optimizer.check.pricing` for the objective)."""

from optimizer.check.plan_rules import MAX_CROW_KMH, CheckReport, Violation, check

__all__ = ["MAX_CROW_KMH", "CheckReport", "Violation", "check"]
