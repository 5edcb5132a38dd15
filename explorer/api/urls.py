"""api.video's two hosted environments: what an account's URL is when it is not a sandbox.

Apart from the client (explorer/api/client.py, which re-exports them) so that the account
book can name them without importing httpx and the models before the window's first paint."""

PRODUCTION_URL = "https://ws.api.video"
SANDBOX_URL = "https://sandbox.api.video"
