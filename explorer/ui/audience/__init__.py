"""Audience views over raw sessions: where viewers drop off (retention), per video or compared."""
