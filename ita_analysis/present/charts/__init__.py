"""The charts: one style (``style``, ``labels``, ``layout``) for the report's and the
portfolio's figures."""
