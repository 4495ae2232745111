"""Scale-out: the same pipeline over many machines (Dask distributed), results as a Parquet dataset.

``partitions.py`` splits the inputs, ``tasks.py`` holds what runs on the workers, ``batch.py`` is the
driver, ``tables.py`` turns records into the rows of the output tables (shared with ``export.py``, which
writes the same tables from a store). Dask and pyarrow are the optional extra ``rashomon[scale]``: nothing
here is imported by the other stages.
"""
