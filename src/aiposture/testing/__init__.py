"""Support for aiposture's tests and benchmarks; not part of the installed wheel.

:mod:`~aiposture.testing.fleet` seeds an N-account moto organization,
:mod:`~aiposture.testing.faults` injects latency, throttling, AccessDenied and corrupted
answers into moto's HTTP server, and :mod:`~aiposture.testing.fault_servers` runs that
server in this process. The wheel excludes this package (``[tool.hatch.build.targets.wheel]``
in ``pyproject.toml``); an editable install (``pip install -e .``) and the source
distribution have it.
"""
