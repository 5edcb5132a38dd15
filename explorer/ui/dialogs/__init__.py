"""Dialogs: accounts, the local store, export jobs, crash reports, help."""
