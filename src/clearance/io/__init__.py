"""Input and output files shared by every job: what a command writes (:mod:`.outputs`). Below
the jobs and the CLI: library code that writes a file (the canaries of ``llm canary make``) uses
it without importing the CLI."""
