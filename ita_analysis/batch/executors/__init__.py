"""Where the batch's jobs run: worker processes on this machine, or a Dask cluster."""
