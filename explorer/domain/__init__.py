"""Pure data: the metric catalogue, queries, time ranges and result frames (no Qt, no I/O)."""
