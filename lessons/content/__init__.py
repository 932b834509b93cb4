"""One module per lesson, ``lNN_slug.py``, each defining ``LESSON``."""
