# mk/race.mk - the check-race tier (issue 13 defect 4): assign and release racing a real `sed -i`
# loop on the same VM config, with and without PVE's VM lock held by sed
# (tests/reliability/race-sed.sh; RACES=N and LOCKED_RACES=N change the counts).
.PHONY: check-race
check-race: $(BIN)
	@PP_BIN=$(abspath $(BIN)) tools/run-tier.sh race tests/reliability/race-sed.sh

CHECK_TIERS += check-race
