"""Exact evaluators of AWS configuration languages."""
