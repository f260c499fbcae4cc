"""Calibrating the travel model to trips: the known model is recovered, the fit beats the default."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import optimizer
from optimizer.cli import EXIT_INVALID_INPUT, EXIT_OK, main
from optimizer.models import TravelSettings
from optimizer.testing.problems import problem as generated
from optimizer.travel import travel_provider
from optimizer.travel.calibrate import CalibratedTravel, calibrate

from conftest import solve_checked


def trips(truth: CalibratedTravel, n: int = 400, noise: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """Trips around Mannheim timed by ``truth`` (relative noise ``noise``)."""
    rng = np.random.default_rng(seed)
    lat, lon = 49.45 + rng.uniform(-0.4, 0.4, (2, n)), 8.5 + rng.uniform(-0.6, 0.6, (2, n))
    frame = pd.DataFrame({"from_lat": lat[0], "from_lon": lon[0], "to_lat": lat[1], "to_lon": lon[1]})
    matrix = truth.matrix(np.concatenate([lat[0], lat[1]]), np.concatenate([lon[0], lon[1]]))
    rows = np.arange(n)
    frame["distance_m"] = matrix.distance_m[rows, rows + n]
    frame["duration_s"] = matrix.duration_s[rows, rows + n] * (1 + noise * rng.standard_normal(n))
    return frame


TRUTH = CalibratedTravel(detour_factor=1.25, band_starts_km=(0.0, 5.0, 20.0), min_per_km=(60 / 25, 60 / 45, 60 / 80))


def test_the_known_model_is_recovered_from_exact_trips() -> None:
    """Detour factor and the three band speeds come back within rounding."""
    fit = calibrate(trips(TRUTH))
    assert fit.travel.detour_factor == pytest.approx(1.25, abs=1e-3)
    assert fit.travel.min_per_km == pytest.approx(TRUTH.min_per_km, rel=2e-2)
    assert fit.mae_s < 2 and fit.before_mae_s > 10 * fit.mae_s
    assert "calibrated on 400 trips" in str(fit)


def test_noisy_trips_without_distances_still_beat_the_default() -> None:
    """10% noise, durations only: the detour factor stays at the default's, the speeds
    absorb the rest, and the error is well below the default model's."""
    fit = calibrate(trips(TRUTH, noise=0.1).drop(columns="distance_m"))
    assert fit.travel.detour_factor == 1.3
    assert fit.mae_s < 0.5 * fit.before_mae_s and abs(fit.bias_s) < 0.1 * fit.mae_s


def test_the_fitted_model_is_a_travel_provider_that_plans() -> None:
    """Zero diagonal, longer trips never faster, and a plan made with it checks out."""
    fit = calibrate(trips(TRUTH))
    lat, lon = np.array([49.4, 49.45, 49.6, 49.9]), np.array([8.5, 8.5, 8.5, 8.5])
    matrix = fit.travel.matrix(lat, lon)
    assert (np.diag(matrix.duration_s) == 0).all()
    assert list(matrix.duration_s[0]) == sorted(matrix.duration_s[0])
    problem = generated(30, 3, seed=1)
    plan = solve_checked(problem, solver="insertion", travel=fit.travel)
    assert optimizer.check(problem, plan, travel=fit.travel).ok


def test_bad_trips_are_refused() -> None:
    with pytest.raises(ValueError, match="duration_s"):
        calibrate(pd.DataFrame({"from_lat": [1.0], "from_lon": [1.0], "to_lat": [1.0], "to_lon": [1.0]}))
    with pytest.raises(ValueError, match="at least"):
        calibrate(trips(TRUTH, n=4))


def test_the_fitted_model_becomes_the_problem_s_travel_settings() -> None:
    """``settings`` name the same model: problem.json keeps it, the checker uses it."""
    fit = calibrate(trips(TRUTH))
    problem = generated(30, 3, seed=1).with_changes(travel=fit.settings)
    assert problem.travel.source == "calibrated"
    lat, lon = np.array([49.4, 49.45, 49.6, 49.9]), np.array([8.5, 8.6, 8.7, 8.9])
    via_settings = travel_provider(problem.travel).matrix(lat, lon)
    np.testing.assert_allclose(via_settings.duration_s, fit.travel.matrix(lat, lon).duration_s, atol=1)
    plan = solve_checked(problem, solver="insertion")
    assert optimizer.check(problem, plan).ok


def test_the_command_line_prints_a_travel_table(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    trips(TRUTH).to_csv(tmp_path / "trips.csv", index=False)
    assert main(["calibrate", "--trips", str(tmp_path / "trips.csv")]) == EXIT_OK
    printed = capsys.readouterr()
    table = tomllib.loads(printed.out)["travel"]
    assert table["source"] == "calibrated" and table["band_starts_km"] == [0, 5, 20]
    assert TravelSettings(**table).detour_factor == pytest.approx(1.25, abs=1e-3)
    assert "calibrated on 400 trips" in printed.err
    pd.DataFrame({"from_lat": [1.0]}).to_csv(tmp_path / "bad.csv", index=False)
    assert main(["calibrate", "--trips", str(tmp_path / "bad.csv")]) == EXIT_INVALID_INPUT
    assert "bad.csv: trips lack column(s)" in capsys.readouterr().err
