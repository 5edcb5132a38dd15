"""The api.video HTTP client: auth, pagination, rate limits, retries, wire models."""
