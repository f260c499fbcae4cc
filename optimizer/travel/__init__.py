"""Travel-matrix providers behind one small interface (:class:`TravelProvider`)."""

from optimizer.travel.base import TravelMatrix, TravelProvider
from optimizer.travel.haversine import HaversineTravel
from optimizer.travel.precomputed import PrecomputedTravel

__all__ = ["HaversineTravel", "PrecomputedTravel", "TravelMatrix", "TravelProvider"]
