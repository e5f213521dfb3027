# SPDX-License-Identifier: GPL-2.0
# build fragment for tools/ (see the top-level Makefile)
