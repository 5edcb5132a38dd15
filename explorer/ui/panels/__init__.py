"""The window's fixed panels: the account bar, the asset tree and the status bar."""
