"""Drivers that run the jobs' own per-batch functions on another engine (Apache Spark): the
detection and its bookkeeping stay in ``scan`` and ``redact``; a driver only moves batches."""
