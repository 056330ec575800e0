"""Factories of the roadmaps app."""
