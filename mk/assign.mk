# mk/assign.mk - the assign race test starts the real binary many times at once: build it first and
# tell the test where it is (check-asan builds and tests its own).
$(B)/tests/assign_race: $(BIN)
$(B)/tests/assign_race: ALL_CFLAGS += -DPP_BIN_PATH=\"$(abspath $(BIN))\"
