"""Views of the référent network, by subject: network, meetings, guide, orientation, outline."""
