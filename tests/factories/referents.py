"""Factories of the referents app."""
