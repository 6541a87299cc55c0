"""Graders (offline and LLM), their shared report model, pre-checks and token accounting."""
