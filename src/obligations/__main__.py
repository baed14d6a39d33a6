"""``python -m obligations`` runs the command line."""

from obligations.cli import main

main()
