"""The shared findings and report core, below every job (detection, scan, audit, fairness, LLM)
and every renderer: severities, findings and their one builder, skipped inputs."""
