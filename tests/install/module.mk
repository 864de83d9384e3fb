# `make install` / `make uninstall` into a staging directory, and the installed
# tool running from elsewhere (tests/install/install.sh).
TEST_BINS += tests/install/install.sh
