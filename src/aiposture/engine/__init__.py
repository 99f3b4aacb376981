"""Loads the catalog, runs checks over a snapshot, and computes scores. Pure: no AWS calls."""
