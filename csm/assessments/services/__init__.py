"""Writes for assessments: conducting (conducting.py), issuing (issuing.py), improvement items (items.py)."""
