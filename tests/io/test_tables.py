"""Tables written as CSV: the validation report of ``optimizer validate``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from optimizer.cli import EXIT_INVALID_INPUT, EXIT_OK, EXIT_ROWS_SET_ASIDE, main
from optimizer.io.tables import REPORT_COLUMNS

from conftest import sample, write_config


def test_validate_writes_a_report_of_every_problem(tmp_path: Path, capsys) -> None:
    """Two bad cells in an Excel file: one report row each with file, row, column and
    value; exit 5 (``plan`` would set the rows aside), with --strict exit 2; the sample
    itself is clean: exit 0, an empty report."""
    orders = sample("orders")
    orders.loc[2, "lat"] = "95"
    orders.loc[4, "skills"] = "hvac:x"
    path = tmp_path / "orders.xlsx"
    orders.to_excel(path, index=False)
    report = tmp_path / "validation.csv"
    config = str(write_config(tmp_path, orders=path))
    for flags, expected in (([], EXIT_ROWS_SET_ASIDE), (["--strict"], EXIT_INVALID_INPUT)):
        assert main(["validate", "--config", config, "--report", str(report), *flags]) == expected
        rows = pd.read_csv(report, dtype=str)
        assert list(rows.columns) == list(REPORT_COLUMNS)
        assert set(zip(rows["file"], rows["row"], rows["column"], rows["value"])) == {
            ("orders.xlsx", "4", "lat", "95"),
            ("orders.xlsx", "6", "skills", "hvac:x"),
        }
    assert main(["validate", "--config", str(write_config(tmp_path)), "--report", str(report)]) == EXIT_OK
    assert pd.read_csv(report).empty
