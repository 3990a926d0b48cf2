#!/usr/bin/env python3
"""Build the patient handbook: `python build.py --help` lists the options."""

import sys

from handbook.cli import main

if __name__ == "__main__":
    sys.exit(main())
