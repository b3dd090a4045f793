"""Benchmark scenarios. Each module has `NAME` and `run(n) -> Result`; `bench/run.py` lists them."""
