import sys

from bench.national.measure import main

sys.exit(main(sys.argv[1:]))
