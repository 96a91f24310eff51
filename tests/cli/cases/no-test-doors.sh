# The installed binary has no test doors: no PVE_PASSTHROUGH_TEST_* variable (fault injection,
# hangs) and no PVE_PASSTHROUGH override of what the hook snippet runs; only the test binary
# (tests/cli/pp_test_main.c) reads the former.
echo "installed: $(strings "$PP" | grep -c PVE_PASSTHROUGH_TEST)"
echo "override: $(strings "$PP" | grep -c 'PVE_PASSTHROUGH:-')"
[ "$(strings "$PP_TEST" | grep -c PVE_PASSTHROUGH_TEST)" -gt 0 ] && echo "test binary: has them"
