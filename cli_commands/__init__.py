"""The `mtdigest` commands, one module per group; `cli.py` assembles them into the app."""
