"""The notebooks run top to bottom on the sample (executed with nbclient; stored without outputs)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_there_are_the_two_notebooks() -> None:
    assert [p.name for p in NOTEBOOKS] == ["01_quickstart.ipynb", "02_what_if.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_notebook_runs_and_is_stored_without_outputs(path: Path) -> None:
    """Every cell runs without error (in the notebook's folder) and shows tables or
    pictures; the what-if notebook answers its question; the file in the repo holds no
    outputs."""
    stored = nbformat.read(path, as_version=4)
    assert all(
        not cell.get("outputs") and cell.get("execution_count") is None
        for cell in stored.cells
        if cell.cell_type == "code"
    )
    NotebookClient(
        stored, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    outputs = [o for cell in stored.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum("text/html" in o.get("data", {}) for o in outputs) >= 3
    if path.stem == "02_what_if":
        printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
        assert "One more HVAC technician: objective" in printed
