"""Runs the staff command line: `python -m staff --help`."""

from staff.cli import main

main(prog_name="python -m staff")
