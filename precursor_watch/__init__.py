"""precursor-watch: command-line entry points."""

__version__ = "0.1.0"
