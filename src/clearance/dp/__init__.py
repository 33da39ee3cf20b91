"""``clearance dp``: differentially private aggregates (OpenDP) under a per-dataset privacy budget."""
