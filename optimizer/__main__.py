"""``python -m optimizer`` runs the command line."""

import sys

from optimizer.cli import main

if __name__ == "__main__":  # not when a worker process (Dask, multiprocessing) re-imports it
    sys.exit(main())
