"""Readers and writers for the data contract (CSV, Parquet, DataFrames, plan folders)."""
