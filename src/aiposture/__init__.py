"""aiposture: read-only compliance scanner for the monitoring of AI workloads on AWS."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("aiposture")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
