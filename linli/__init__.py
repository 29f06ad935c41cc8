"""Linli 邻里: community service and co-governance (五社联动)."""

__version__ = "0.1.0"
