# SPDX-License-Identifier: GPL-2.0
# build fragment for pvdrivers/ (see the top-level Makefile)
