"""The package version, in a module of its own so that library modules can name it without
importing the package root (and every public name it re-exports)."""

__version__ = "0.1.0"
