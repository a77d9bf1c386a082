"""Input data: one reader of tables (``tables``), the data folder loaded and validated
(``dataset``: every problem at once), scores from raw answers (``answers``) and invented data
for tests and demonstrations (``synthetic``)."""

from __future__ import annotations

from .dataset import Dataset, default_data_dir, load_dataset, synthetic_data_dir

__all__ = ["Dataset", "default_data_dir", "load_dataset", "synthetic_data_dir"]
