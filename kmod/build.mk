# SPDX-License-Identifier: GPL-2.0
# build fragment for kmod/ (see the top-level Makefile)
