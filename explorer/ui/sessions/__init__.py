"""The Sessions tab: the session table, one session's inspector, several sessions compared."""
