/* Roadmaps: no script is needed; pages work without JavaScript. */
