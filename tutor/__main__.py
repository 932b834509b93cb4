"""``python -m tutor`` runs the same command line as ``micrograd-tutor``."""

import sys

from tutor.cli import main

sys.exit(main())
