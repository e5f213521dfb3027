# SPDX-License-Identifier: GPL-2.0
# build fragment for devices/ (see the top-level Makefile)
