"""The engine: runs without a request (pages, API, CLI, workers and tests call the same code)."""
