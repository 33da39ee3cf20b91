"""Seeded demo data for examples, tests and benchmarks."""
