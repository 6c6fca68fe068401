"""Test-wide settings: hypothesis runs derandomised, so a run is the same on every machine."""

from hypothesis import settings

settings.register_profile("deterministic", derandomize=True, print_blob=True)
settings.load_profile("deterministic")
