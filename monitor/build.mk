# SPDX-License-Identifier: GPL-2.0
# build fragment for monitor/ (see the top-level Makefile)
