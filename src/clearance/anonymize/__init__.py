"""``clearance anonymize``: k-anonymous (and l-diverse) releases of a table by generalization and suppression."""
