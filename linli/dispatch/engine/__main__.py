import sys

from linli.dispatch.engine.cli import main

sys.exit(main())
