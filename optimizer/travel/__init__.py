"""Travel-matrix providers behind one small interface (:class:`TravelProvider`).

* :class:`HaversineTravel`: great-circle distance x detour factor at one speed (the default);
* :class:`CalibratedTravel`: the same with speeds per distance band, fitted to known
  trips by :func:`calibrate`;
* :class:`OsrmTravel`: an OSRM server's table service;
* :class:`OsmTravel`: the roads of an OpenStreetMap extract, without a server;
* :class:`PrecomputedTravel`: a matrix computed elsewhere.

:func:`travel_provider` turns a problem's :class:`~optimizer.models.TravelSettings`
into one of them; ``solve(..., travel=...)`` takes any object with a ``matrix``
method instead (a plan folder then records only the settings: pass the same
provider to a re-plan).
"""

from typing import Any

from optimizer.travel.base import TravelMatrix, TravelProvider
from optimizer.travel.calibrate import CalibratedTravel, Calibration, calibrate
from optimizer.travel.haversine import HaversineTravel
from optimizer.travel.osrm import OsrmTravel
from optimizer.travel.precomputed import PrecomputedTravel
from optimizer.travel.sources import travel_provider


def __getattr__(name: str) -> Any:
    """:class:`OsmTravel` on first use: pyosmium and scipy's graph code load only then."""
    if name == "OsmTravel":
        from optimizer.travel.osm import OsmTravel

        return OsmTravel
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CalibratedTravel",
    "Calibration",
    "HaversineTravel",
    "OsmTravel",
    "OsrmTravel",
    "PrecomputedTravel",
    "TravelMatrix",
    "TravelProvider",
    "calibrate",
    "travel_provider",
]
