"""The embedded demo organization: moto, patched to behave like AWS, seeded with four accounts.

:mod:`aiposture.demo.environment` runs it (in-process or through moto's HTTP server),
:mod:`aiposture.demo.seed` builds the accounts (the lab account in :mod:`aiposture.demo.lab`)
from the names in :mod:`aiposture.demo.accounts`, the selectors in
:mod:`aiposture.demo.selectors` and the helpers in :mod:`aiposture.demo.writers`, and
:mod:`aiposture.demo.moto_ext` makes moto answer as AWS does. This ``__init__`` holds no code.
"""
