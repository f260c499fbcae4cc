"""Road travel times from an OSRM server's table service.

``OsrmTravel(url).matrix(lat, lon)`` asks ``{url}/table/v1/{profile}/...`` with
``annotations=duration,distance`` for every pair of distinct places, in blocks of at
most ``max_table_size`` sources x ``max_table_size`` destinations (an ``osrm-routed``
started with ``--max-table-size K`` accepts K x K), sent by a few threads at once
and assembled in place: the result does not depend on the order replies arrive in.

Transient failures (connection refused or reset, time-outs, HTTP 429 and 5xx) are
retried with exponential back-off; a request the server refuses, or one that keeps
failing, raises :class:`~optimizer.exceptions.TravelError` naming the server.

OSRM snaps every point to the nearest road, however far: a point 1,000 km out at
sea still gets a route. Points farther than ``max_snap_m`` from a road, and points
whose road does not connect to the others (OSRM answers ``null``), raise
:class:`~optimizer.exceptions.OffRoadError` listing them.

Matrices are cached on disk (:mod:`optimizer.travel.cache`), keyed by server,
profile and coordinates; pass ``cache_dir=False`` to turn that off.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from optimizer.exceptions import OffRoadError, OffRoadPoint, TravelError
from optimizer.travel.base import TravelMatrix
from optimizer.travel.cache import ArrayCache
from optimizer.travel.points import COORDINATE_DECIMALS, cut_off, distinct_points

_TRANSIENT_HTTP = frozenset({429, 500, 502, 503, 504})
_QUERY_CHARS = 8_000
"""osrm-routed closes the connection on a query string (the part after ``?``) longer
than 8 KB (seen with OSRM 26.10): the source and destination lists of one request
are kept below it, which caps a block at about 900 x 900 places."""


@dataclass(frozen=True)
class OsrmTravel:
    """Travel from the OSRM server at ``url`` (e.g. ``http://127.0.0.1:5000``).

    ``profile`` is the path segment the server routes with (``driving`` for a server
    started on the car profile). ``max_table_size`` must not exceed the server's
    ``--max-table-size`` (OSRM's default is 100). ``timeout_s`` applies to each
    request; ``attempts`` counts tries per request, the n-th retry waiting
    ``backoff_s * 2**(n-1)`` seconds. ``workers`` requests are in flight at once.
    """

    url: str
    profile: str = "driving"
    max_table_size: int = 100
    max_snap_m: float = 1_000.0
    timeout_s: float = 60.0
    attempts: int = 4
    backoff_s: float = 0.5
    workers: int = 4
    cache_dir: Path | Literal[False] | None = None

    def __post_init__(self) -> None:
        if self.max_table_size < 1 or self.attempts < 1 or self.workers < 1:
            raise ValueError("max_table_size, attempts and workers must be at least 1")
        object.__setattr__(self, "url", self.url.rstrip("/"))

    @cached_property
    def _cache(self) -> ArrayCache | None:
        return ArrayCache.chosen(self.cache_dir, "osrm")

    def matrix(self, lat: npt.ArrayLike, lon: npt.ArrayLike) -> TravelMatrix:
        """Road travel between every pair of points (seconds and metres, rounded)."""
        places_lat, places_lon, inverse = distinct_points(lat, lon)
        duration, distance = self._places(places_lat, places_lon)
        pick = np.ix_(inverse, inverse)
        return TravelMatrix(duration_s=duration[pick], distance_m=distance[pick])

    def _places(
        self,
        lat: npt.NDArray[np.float64],
        lon: npt.NDArray[np.float64],
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
        key = json.dumps([self.url, self.profile, self.max_snap_m]).encode() + lat.tobytes() + lon.tobytes()
        stored = self._cache.get(key) if self._cache else None
        if stored is not None:
            return stored["duration_s"].astype(np.int32), stored["distance_m"].astype(np.int32)
        n = lat.size
        duration = np.full((n, n), np.nan)
        distance = np.full((n, n), np.nan)
        snap_m = np.zeros(n)
        coordinates = [f"{x:.{COORDINATE_DECIMALS}f},{y:.{COORDINATE_DECIMALS}f}" for x, y in zip(lon, lat)]
        step = _block_size(self.max_table_size)
        blocks = [(rows, cols) for rows in range(0, n, step) for cols in range(0, n, step)]

        def fetch(block: tuple[int, int]) -> None:
            rows, cols = block
            sources = np.arange(rows, min(n, rows + step))
            targets = np.arange(cols, min(n, cols + step))
            reply = self._table(coordinates, sources, targets)
            duration[rows : rows + sources.size, cols : cols + targets.size] = _cells(reply, "durations")
            distance[rows : rows + sources.size, cols : cols + targets.size] = _cells(reply, "distances")
            for index, point in zip(sources, reply["sources"]):
                snap_m[index] = point.get("distance", 0.0)
            for index, point in zip(targets, reply["destinations"]):
                snap_m[index] = max(snap_m[index], point.get("distance", 0.0))

        with ThreadPoolExecutor(max_workers=min(self.workers, len(blocks) or 1)) as pool:
            list(pool.map(fetch, blocks))
        self._check(lat, lon, snap_m, np.isfinite(duration) & np.isfinite(distance))
        duration, distance = _through_a_third(duration, distance, self.url)
        # OSRM can answer a slightly negative distance between two points snapped to one segment
        result = np.rint(np.maximum(duration, 0)).astype(np.int32), np.rint(np.maximum(distance, 0)).astype(np.int32)
        np.fill_diagonal(result[0], 0)
        np.fill_diagonal(result[1], 0)
        if self._cache:
            self._cache.put(key, {"duration_s": result[0], "distance_m": result[1]})
        return result

    def _check(
        self,
        lat: npt.NDArray[np.float64],
        lon: npt.NDArray[np.float64],
        snap_m: npt.NDArray[np.float64],
        routed: npt.NDArray[np.bool_],
    ) -> None:
        far = {int(i): float(snap_m[i]) for i in np.flatnonzero(snap_m > self.max_snap_m)}
        cut = {int(i): None for i in cut_off(routed) if int(i) not in far}
        if far or cut:
            points = [OffRoadPoint(i, float(lat[i]), float(lon[i]), gap) for i, gap in sorted({**far, **cut}.items())]
            raise OffRoadError(f"OSRM at {self.url}", points, self.max_snap_m)

    def _table(self, coordinates: list[str], sources: npt.NDArray[np.intp], targets: npt.NDArray[np.intp]) -> Any:
        """One table request for ``sources`` x ``targets``, each place sent once."""
        places = np.union1d(sources, targets)
        position = {int(p): k for k, p in enumerate(places)}
        path = ";".join(coordinates[p] for p in places)
        query = (
            f"sources={';'.join(str(position[int(s)]) for s in sources)}"
            f"&destinations={';'.join(str(position[int(t)]) for t in targets)}"
            "&annotations=duration,distance"
        )
        return self._get(f"{self.url}/table/v1/{self.profile}/{path}?{query}")

    def _get(self, address: str) -> Any:
        last = ""
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                with urllib.request.urlopen(address, timeout=self.timeout_s) as response:
                    reply = json.load(response)
            except urllib.error.HTTPError as error:
                last = f"HTTP {error.code}: {_message(error)}"
                if error.code not in _TRANSIENT_HTTP:
                    raise TravelError(f"OSRM at {self.url} refused a table request: {last}{_hint(last)}") from None
                continue
            except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
                last = str(getattr(error, "reason", error))
                continue
            if reply.get("code") != "Ok":
                raise TravelError(f"OSRM at {self.url} answered {reply.get('code')}: {reply.get('message', '')}")
            return reply
        raise TravelError(f"OSRM at {self.url} did not answer after {self.attempts} attempts: {last}")


def _block_size(max_table_size: int) -> int:
    """The largest block side within ``max_table_size`` whose request's query string
    (sources ``0..k-1``, destinations ``k..2k-1``) stays within :data:`_QUERY_CHARS`."""

    def fits(side: int) -> bool:
        return len(";".join(map(str, range(2 * side)))) + 64 <= _QUERY_CHARS

    low, high = 1, max_table_size
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return low


def _through_a_third(
    duration: npt.NDArray[np.float64],
    distance: npt.NDArray[np.float64],
    url: str,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Pairs left without a route although both places reach the others (OSRM can
    answer ``null`` between two snapped points of one road) get the fastest route
    through a third place."""
    missing = np.argwhere(~np.isfinite(duration) | ~np.isfinite(distance))
    for i, j in missing:
        via = duration[i] + duration[:, j]
        if not np.isfinite(via).any():
            raise TravelError(f"OSRM at {url} has no route from place {i} to place {j}, not even through another")
        k = int(np.nanargmin(via))
        duration[i, j], distance[i, j] = via[k], distance[i, k] + distance[k, j]
    return duration, distance


def _cells(reply: Any, name: str) -> npt.NDArray[np.float64]:
    """The reply's ``durations`` or ``distances`` table, ``null`` (no route) as NaN."""
    rows = reply.get(name)
    if rows is None:
        raise TravelError(f"the OSRM reply has no {name}: is the server older than OSRM 5.18?")
    return np.array([[np.nan if cell is None else cell for cell in row] for row in rows], dtype=np.float64)


def _message(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read().decode("utf-8", "replace"))
        return f"{body.get('code', '')} {body.get('message', '')}".strip()
    except (ValueError, OSError):
        return str(error.reason)


def _hint(message: str) -> str:
    if "TooBig" in message:
        return " (lower max_table_size to the server's --max-table-size)"
    if "InvalidUrl" in message or "InvalidService" in message or "InvalidVersion" in message:
        return " (is the profile right? a car server routes 'driving')"
    return ""
