"""The on-disk array cache: where it lives, entries by key, atomic writes, digests."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from optimizer.travel.cache import CACHE_ENV, ArrayCache, default_cache_dir, file_sha256


def test_the_folder_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "optimizer"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "optimizer"


def test_chosen_means_default_folder_given_folder_or_none(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "default"))
    assert ArrayCache.chosen(False, "osrm") is None
    default = ArrayCache.chosen(None, "osrm")
    assert default is not None and default.folder == tmp_path / "default" / "osrm"
    given = ArrayCache.chosen(tmp_path / "given", "osm")
    assert given is not None and given.folder == tmp_path / "given" / "osm"


def test_arrays_come_back_under_their_key_only(tmp_path: Path) -> None:
    cache = ArrayCache(tmp_path, "osrm")
    assert cache.get(b"key") is None
    stored = {"duration_s": np.arange(6, dtype=np.int32).reshape(2, 3), "lat": np.array([49.5, 49.6])}
    cache.put(b"key", stored)
    back = cache.get(b"key")
    assert back is not None and set(back) == set(stored)
    for name, array in stored.items():
        np.testing.assert_array_equal(back[name], array)
        assert back[name].dtype == array.dtype
    assert cache.get(b"other key") is None
    assert cache.path(b"key") == tmp_path / "osrm" / f"{hashlib.sha256(b'key').hexdigest()}.npz"
    assert [p.name for p in (tmp_path / "osrm").iterdir()] == [cache.path(b"key").name]  # no temporary file left


def test_a_broken_entry_reads_as_missing_and_is_replaced(tmp_path: Path) -> None:
    cache = ArrayCache(tmp_path, "osm")
    cache.folder.mkdir(parents=True)
    cache.path(b"key").write_bytes(b"not an npz file")
    assert cache.get(b"key") is None
    cache.put(b"key", {"x": np.ones(3)})
    back = cache.get(b"key")
    assert back is not None and back["x"].tolist() == [1.0, 1.0, 1.0]


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    cache = ArrayCache(tmp_path, "osm")
    with pytest.raises(ValueError):
        cache.put(b"key", {"objects": np.array([object()], dtype=object)})  # refused without pickle
    assert cache.get(b"key") is None
    assert list(cache.folder.iterdir()) == []


def test_file_digest_is_the_sha256_of_the_contents(tmp_path: Path) -> None:
    path = tmp_path / "map.osm.pbf"
    data = bytes(range(256)) * 5_000  # more than one 1 MB block
    path.write_bytes(data)
    assert file_sha256(path) == hashlib.sha256(data).hexdigest()
