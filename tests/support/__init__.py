"""What several test layers share (ui, e2e, benchmarks): fixtures and helpers."""
