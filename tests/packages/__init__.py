"""Tests of the packaging: the PyInstaller spec, the build and its artefacts."""
