"""Surveys and satisfaction measurement (ISO 10004). `measure` is the pure measurement engine."""
