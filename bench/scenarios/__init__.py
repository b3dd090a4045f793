"""Benchmark scenarios. Each module has `NAME` and `run(n)`: the SQLite ones return a Result and are
listed in `bench/run.py`; the PostgreSQL ones return a list of Results and are listed in
`bench/run_pg.py`. Each module's docstring says what it measures and what its floor is."""
