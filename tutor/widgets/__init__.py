"""Reusable widgets of the tutor, grouped by area."""
