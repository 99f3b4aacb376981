"""Commands that stand on their own, each in a module of its name.

:mod:`aiposture.cli` registers them on its group.
"""
