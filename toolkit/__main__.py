import gc
import sys

from toolkit.cli import main

# What the program has loaded (pandas, Arrow, the toolkit) lasts until it ends: frozen, so that
# the collections while thousands of records are made into tables do not scan it each time.
gc.freeze()
sys.exit(main())
