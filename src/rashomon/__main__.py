"""``python -m rashomon`` runs the command line."""

from rashomon.present.cli import app

app(prog_name="rashomon")
