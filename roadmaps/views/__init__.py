"""Views of the roadmaps app, split by subject."""
