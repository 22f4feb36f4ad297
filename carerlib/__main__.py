import sys

from carerlib.cli import main

sys.exit(main())
