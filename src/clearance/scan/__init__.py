"""Scanning files and folders of tables and text."""

from clearance.scan.scanner import Scanner, ScanOptions, scan_paths

__all__ = ["ScanOptions", "Scanner", "scan_paths"]
