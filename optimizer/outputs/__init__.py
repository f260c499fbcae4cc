"""What people look at: the offline HTML report (:mod:`~optimizer.outputs.report`),
pictures for notebooks (:mod:`~optimizer.outputs.pictures`, folium and plotly, loaded
on first import), the difference between two plans (:mod:`~optimizer.outputs.diff`)
and the run manifest (:mod:`~optimizer.outputs.manifest`)."""

from optimizer.outputs.diff import compare
from optimizer.outputs.report import html_report

__all__ = ["compare", "html_report"]
