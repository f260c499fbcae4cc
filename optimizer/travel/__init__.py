"""Travel-matrix providers behind one small interface (:class:`TravelProvider`)."""

from optimizer.travel.base import TravelMatrix, TravelProvider
from optimizer.travel.calibrate import CalibratedTravel, Calibration, calibrate
from optimizer.travel.haversine import HaversineTravel
from optimizer.travel.precomputed import PrecomputedTravel

__all__ = [
    "CalibratedTravel", "Calibration", "HaversineTravel", "PrecomputedTravel", "TravelMatrix", "TravelProvider",
    "calibrate",
]
