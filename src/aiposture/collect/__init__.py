"""The collectors: the only code that talks to AWS, and only with read calls.

:func:`aiposture.collect.scan.collect` reads every planned account into one snapshot;
each service has its own reader module (``bedrock``, ``cloudtrail``, ``logs`` ...), and
:mod:`aiposture.collect.guard` keeps every call read-only. This package's ``__init__``
holds no code, so importing one reader does not load the orchestrator.
"""
