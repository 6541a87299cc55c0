import sys

from mockint.cli import main

sys.exit(main())
