"""Factories of the partners app."""
