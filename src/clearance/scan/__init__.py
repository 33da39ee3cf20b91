"""Scanning files and folders of tables and text."""

from clearance.scan.options import ScanOptions
from clearance.scan.scanner import Scanner, scan_paths

__all__ = ["ScanOptions", "Scanner", "scan_paths"]
