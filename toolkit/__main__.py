import gc
import sys

from toolkit.cli import main

# What the program has loaded (pandas, Arrow, the toolkit) lasts until it ends: frozen, so that
# the collections while thousands of records are made into tables do not scan it each time.
# A chunk of records is some 10^5 objects that live until its tables are made: young objects
# are looked at every 20,000 allocations rather than 700.
gc.freeze()
gc.set_threshold(20_000, 10, 10)
sys.exit(main())
