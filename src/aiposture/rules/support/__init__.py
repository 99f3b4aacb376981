"""What the rule kinds share: coverage, the detection chain, sample events, selector facts.

These modules hold no rule kind; each kind lives in ``aiposture.rules.<kind>``.
"""
