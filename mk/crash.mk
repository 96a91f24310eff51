# mk/crash.mk - the check-crash tier (issue 13 defect 2): assign, release, host setup and host
# rollback killed with SIGKILL at every system call from their first change of a file on
# (strace's fault injection), on a copy of the demo host; every file old-or-new, the next run
# recovers (tests/crash/run.py).  CRASH_ALL=1 kills at every call from the process's first.
CRASH_ARGS ?= $(if $(CRASH_ALL),--all)
.PHONY: check-crash
check-crash: $(BIN)
	@python3 tests/crash/run.py --binary ./$(BIN) $(CRASH_ARGS)

CHECK_TIERS += check-crash
