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
        cells = rows[rows["file"] == "orders.xlsx"]
        assert set(zip(cells["file"], cells["row"], cells["column"], cells["value"])) == {
            ("orders.xlsx", "4", "lat", "95"),
            ("orders.xlsx", "6", "skills", "hvac:x"),
        }
    assert main(["validate", "--config", str(write_config(tmp_path)), "--report", str(report)]) == EXIT_OK
    known = pd.read_csv(report, dtype=str)  # the sample's valid rows; what the pre-solve knows: O-152 has no one
    assert list(known["entity_id"]) == ["O-152"] and known["row"].isna().all()


def test_a_written_table_is_as_readable_as_the_umask_says(tmp_path: Path) -> None:
    """Atomic writing goes through a temporary file, which is owner-only; the table it
    becomes is not (umask 022: rw-r--r--)."""
    import os

    from optimizer.io.tables import write_table

    before = os.umask(0o022)
    try:
        written = write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.csv")
    finally:
        os.umask(before)
    assert written.stat().st_mode & 0o777 == 0o644
