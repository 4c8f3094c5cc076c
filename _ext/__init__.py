"""The book's Sphinx extensions (registered under ``sphinx.local_extensions`` in _config.yml)."""
