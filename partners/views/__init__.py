"""Views of the partner directory, split by subject."""
