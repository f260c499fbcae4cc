"""A local OSRM server for an ``.osm.pbf`` extract: OSRM's own programs
(``osrm-extract``, ``osrm-partition``, ``osrm-customize``, ``osrm-routed``) build the
data set and serve it on 127.0.0.1. For trying OSRM without a server of one's own,
for the tests and for the benchmarks.

The programs come from the PyPI package ``osrm-bindings`` (OSRM's own build). It
publishes wheels for Python 3.12 and newer only, but its programs are static
executables that do not use Python: :func:`install_programs` downloads the wheel
with pip and unpacks the programs and profiles into this environment, on any Python.
``optimizer osrm install`` does the same from the command line.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from types import TracebackType

from optimizer.exceptions import TravelError

OSRM_VERSION = "26.10.0"
"""The release of ``osrm-bindings`` that :func:`install_programs` fetches."""

PROGRAMS_ENV = "OSRM_BIN"
"""Environment variable naming a folder that holds OSRM's programs (overrides the rest)."""

_PROGRAMS = ("osrm-extract", "osrm-partition", "osrm-customize", "osrm-routed")


def installed_folder() -> Path:
    """Where :func:`install_programs` puts OSRM: ``<environment>/share/optimizer/osrm``."""
    return Path(sys.prefix) / "share" / "optimizer" / "osrm"


def _candidates() -> list[Path]:
    folders = []
    if os.environ.get(PROGRAMS_ENV):
        folders.append(Path(os.environ[PROGRAMS_ENV]))
    spec = importlib.util.find_spec("osrm")
    if spec is not None and spec.submodule_search_locations:
        folders.append(Path(next(iter(spec.submodule_search_locations))) / "bin")
    folders.append(installed_folder() / "bin")
    on_path = shutil.which("osrm-routed")
    if on_path:
        folders.append(Path(on_path).parent)
    return folders


def programs_folder() -> Path:
    """The folder holding OSRM's programs: ``$OSRM_BIN``, the ``osrm-bindings`` package,
    the copy :func:`install_programs` made, or ``PATH``, the first that has them all."""
    for folder in _candidates():
        if all((folder / name).is_file() for name in _PROGRAMS):
            return folder
    raise TravelError(
        "OSRM's programs (osrm-extract, osrm-routed, ...) were not found: run "
        "'optimizer osrm install', or set OSRM_BIN to the folder that holds them"
    )


def profile_path(name: str = "car") -> Path:
    """A profile shipped with OSRM (``car``, ``bicycle``, ``foot``, ``testbot``, ...)."""
    programs = programs_folder()
    for root in (programs.parent / "share" / "profiles", programs.parent / "profiles"):
        if (root / f"{name}.lua").is_file():
            return root / f"{name}.lua"
    raise TravelError(f"OSRM's profile {name!r} was not found beside {programs}")


def ensure_programs() -> Path:
    """The folder of OSRM's programs, installing them (:func:`install_programs`) where
    none are found."""
    try:
        return programs_folder()
    except TravelError:
        return install_programs()


def install_programs(target: Path | None = None) -> Path:
    """Download ``osrm-bindings`` from the package index with pip and unpack its programs
    and profiles into ``target`` (default :func:`installed_folder`); returns the folder
    of programs. Does nothing where they are already there."""
    target = Path(target or installed_folder())
    if all((target / "bin" / name).is_file() for name in _PROGRAMS):
        return target / "bin"
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            f"osrm-bindings=={OSRM_VERSION}",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.12",
            "--dest",
            scratch,
            "--quiet",
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wheels = sorted(Path(scratch).glob("osrm_bindings-*.whl"))
        if done.returncode or not wheels:
            raise TravelError(f"could not download osrm-bindings {OSRM_VERSION} with pip:\n{done.stderr.strip()}")
        staging = target.with_name(target.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        with zipfile.ZipFile(wheels[0]) as wheel:
            for member in wheel.namelist():
                for inside, outside in (("osrm/bin/", "bin/"), ("osrm/share/", "share/")):
                    if member.startswith(inside) and not member.endswith("/"):
                        destination = staging / outside / member[len(inside) :]
                        destination.parent.mkdir(parents=True, exist_ok=True)
                        destination.write_bytes(wheel.read(member))
        for program in (staging / "bin").iterdir():
            program.chmod(0o755)
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    return target / "bin"


def build_dataset(
    pbf: Path,
    folder: Path,
    profile: Path | str = "car",
    small_component_size: int = 1000,
) -> Path:
    """Build an OSRM data set (multi-level Dijkstra) for ``pbf`` in ``folder`` with the
    given profile (a name from :func:`profile_path` or a ``.lua`` file); returns the
    ``.osrm`` base path to serve. ``small_component_size``: road islands with fewer
    nodes are dropped (pass 50-200 for a small clipped extract)."""
    programs = programs_folder()
    lua = Path(profile) if str(profile).endswith(".lua") else profile_path(str(profile))
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / Path(pbf).name
    shutil.copyfile(pbf, source)
    base = folder / (source.name.split(".")[0] + ".osrm")
    steps = (
        ["osrm-extract", "-p", str(lua), "--small-component-size", str(small_component_size), str(source)],
        ["osrm-partition", str(base)],
        ["osrm-customize", str(base)],
    )
    for step in steps:
        done = subprocess.run([str(programs / step[0]), *step[1:]], capture_output=True, text=True, check=False)
        if done.returncode:
            raise TravelError(f"{step[0]} failed on {pbf}:\n{(done.stdout + done.stderr)[-2000:]}")
    return base


class LocalServer:
    """``osrm-routed`` serving ``dataset`` on 127.0.0.1 (a free port unless given), as a
    context manager: ``with LocalServer(base) as server: OsrmTravel(server.url)``."""

    def __init__(self, dataset: Path, port: int | None = None, max_table_size: int = 1000) -> None:
        self.dataset = Path(dataset)
        self.port = port or _free_port()
        self.max_table_size = max_table_size
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.dataset.with_name(self.dataset.name + f".{self.port}.log")
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, wait_s: float = 30.0) -> LocalServer:
        """Start the server and wait until it answers."""
        command = [
            str(programs_folder() / "osrm-routed"),
            "--algorithm",
            "mld",
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--max-table-size",
            str(self.max_table_size),
            "--verbosity",
            "WARNING",
            str(self.dataset),
        ]
        with self.log.open("wb") as log:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                error = self.log.read_text(errors="replace")[-2000:]
                raise TravelError(f"osrm-routed stopped at once on {self.dataset}: {error}")
            try:
                with urllib.request.urlopen(f"{self.url}/nearest/v1/driving/0,0", timeout=1):
                    return self
            except urllib.error.HTTPError:
                return self  # it answers (a point far from any road is a 400)
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise TravelError(f"osrm-routed did not answer on {self.url} within {wait_s:.0f} s")

    def peak_rss_mb(self) -> float:
        """The server's peak resident memory so far, MB (Linux; 0 where unknown)."""
        if self._process is None:
            return 0.0
        try:
            status = Path(f"/proc/{self._process.pid}/status").read_text()
        except OSError:
            return 0.0
        peak = next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")), "0")
        return int(peak) / 1024

    def wait(self) -> None:
        """Block until the server stops."""
        if self._process is not None:
            self._process.wait()

    def stop(self) -> None:
        """Stop the server."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
