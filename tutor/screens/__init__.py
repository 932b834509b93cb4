"""The tutor's screens: one module per screen."""
