"""The rules of each fiscal year, as data: frameworks (weights, bands, items, roll-ups), the
recommendation library and the national figures, the package's files (``frameworks/``,
``recommendations/``, ``national.yaml`` here) or a data folder's own."""
