"""``python -m symdiff`` runs the command line."""

from .cli import main

main()
