"""An on-disk cache of arrays for the road-network providers, so that a nightly re-run
over the same places does not ask the server again or re-read a country's map.

Entries are ``.npz`` files named by the SHA-256 of a key the provider builds from
everything the result depends on (server and profile, or map file contents and
speeds, and the coordinates). They are written to a temporary file and renamed, so
a crash or a concurrent run never leaves a half-written entry. Delete the folder to
clear the cache.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

CACHE_ENV = "OPTIMIZER_CACHE_DIR"
"""Environment variable naming the cache folder; by default ``$XDG_CACHE_HOME/optimizer``
(``~/.cache/optimizer``)."""


def default_cache_dir() -> Path:
    """The cache folder: ``$OPTIMIZER_CACHE_DIR``, else ``$XDG_CACHE_HOME/optimizer``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "optimizer"


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's contents (hex), read in 1 MB blocks: a country's map is
    hashed without holding it in memory."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class ArrayCache:
    """Named groups of numpy arrays under ``folder/kind/``, keyed by bytes."""

    def __init__(self, folder: Path, kind: str) -> None:
        self.folder = Path(folder) / kind

    @classmethod
    def chosen(cls, cache_dir: Path | Literal[False] | None, kind: str) -> ArrayCache | None:
        """The cache a provider's ``cache_dir`` names: ``None`` for the default folder
        (:func:`default_cache_dir`), ``False`` for no cache at all."""
        return None if cache_dir is False else cls(cache_dir or default_cache_dir(), kind)

    def path(self, key: bytes) -> Path:
        """Where the entry for ``key`` lives."""
        return self.folder / f"{hashlib.sha256(key).hexdigest()}.npz"

    def get(self, key: bytes) -> dict[str, npt.NDArray[np.generic]] | None:
        """The arrays stored under ``key``, or ``None`` (also for an unreadable entry)."""
        try:
            with np.load(self.path(key), allow_pickle=False) as stored:
                return {name: stored[name] for name in stored.files}
        except (OSError, ValueError, EOFError):
            return None

    def put(self, key: bytes, arrays: Mapping[str, npt.NDArray[np.generic]]) -> None:
        """Store ``arrays`` under ``key`` atomically (temporary file, then rename)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(out, allow_pickle=False, **arrays)
            os.replace(temporary, self.path(key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
