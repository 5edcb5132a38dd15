"""Orchestration shared by the GUI and the command line."""
