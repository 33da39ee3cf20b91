"""``clearance retention apply`` and ``clearance erase``: records removed from the data for good."""
