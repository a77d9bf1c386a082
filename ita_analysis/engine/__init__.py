"""The ``ita-warm`` papermill engine: one warm Jupyter kernel reused from notebook to notebook
(``warm``: the engine and its kernel pool; ``kernel_side``: what runs inside the kernel)."""

ENGINE_NAME = "ita-warm"  # the engine's name for papermill (``--engine``)
