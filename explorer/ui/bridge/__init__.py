"""The thread bridge: blocking calls run on workers, their outcomes reach the GUI thread."""
