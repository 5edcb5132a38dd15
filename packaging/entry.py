"""The frozen app's entry point: the same as the analytics-explorer command."""

from explorer.cli import main

raise SystemExit(main())
