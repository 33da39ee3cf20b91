"""clearance guard: a streaming redaction proxy in front of an OpenAI-compatible model (issue 15)."""
