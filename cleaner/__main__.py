"""`python -m cleaner ...` runs the `cleaner` command."""

from .cli import main

main()
