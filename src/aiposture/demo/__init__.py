"""The embedded demo organization: moto, patched to behave like AWS, seeded with three accounts.

:mod:`aiposture.demo.environment` runs it (in-process or through moto's HTTP server),
:mod:`aiposture.demo.seed` builds the accounts and :mod:`aiposture.demo.moto_ext` makes
moto answer as AWS does. This ``__init__`` holds no code.
"""
