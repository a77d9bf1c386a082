"""Many reports at once: ``ita-analysis batch``."""
