"""The Live tab: a live stream watched as it broadcasts."""
