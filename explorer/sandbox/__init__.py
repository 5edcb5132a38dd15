"""A local api.video-compatible service over simulated player events."""
