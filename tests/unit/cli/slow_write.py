"""`python -m tests.unit.cli.slow_write ARGS…`: the command line, with a CSV export that stops
after its header until a signal comes (the test's window "at the final write").

It touches the file named by $SLOW_WRITE_READY once the header is in the temporary file.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TextIO

from explorer import cli
from explorer.services import table_files


def _stalling_csv(table: table_files.Table, out: TextIO) -> int:
    out.write(",".join(table.header) + "\r\n")
    out.flush()
    Path(os.environ["SLOW_WRITE_READY"]).touch()
    time.sleep(600)  # the test's signal ends this
    return 0


if __name__ == "__main__":
    table_files.WRITERS["csv"] = _stalling_csv
    sys.exit(cli.main(sys.argv[1:]))
