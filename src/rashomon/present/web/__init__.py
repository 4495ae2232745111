"""The web app and REST API over the store (``rashomon serve``)."""
