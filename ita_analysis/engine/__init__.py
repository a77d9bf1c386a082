"""The ``ita-warm`` papermill engine: one warm Jupyter kernel reused from notebook to notebook."""
