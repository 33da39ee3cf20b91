"""LLM leakage audits (``clearance llm``): model backends and the probes that run on them."""
