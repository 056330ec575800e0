"""Operations on roadmaps, by subject: `writes` (every change a view makes, each in one
transaction), `history` (who changed what, rendered for the action page) and `versions`
(validated versions frozen, compared). Import the module you need:
`from roadmaps.services import writes`."""
