# The two commands of the README. The work is in scripts/.
.PHONY: run test

run:
	@scripts/run.sh

test:
	@scripts/test.sh
