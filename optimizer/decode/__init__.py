"""Routes -> plan: stops and times (:mod:`~optimizer.decode.assemble`), the reasons of
unplanned orders and late visits (:mod:`~optimizer.decode.reasons`), and KPIs
(:mod:`~optimizer.decode.kpis`)."""

from optimizer.decode.assemble import assemble_plan
from optimizer.decode.kpis import compute_kpis

__all__ = ["assemble_plan", "compute_kpis"]
