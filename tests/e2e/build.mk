# SPDX-License-Identifier: GPL-2.0
# build fragment for tests/e2e/ (see the top-level Makefile)
