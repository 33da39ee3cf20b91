"""Inline SVG for the HTML reports (``charts``)."""
