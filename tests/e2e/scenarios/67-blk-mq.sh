#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 66-blk-rebind on a 2-vCPU guest: one blkif ring per vCPU (multi-queue),
# two disks, unbind/bind.  It stalled about one run in three before the
# SVM backend stopped injecting the Xen upcall through EVENTINJ (docs/kmod.md,
# "Limits and known gaps", item 1); 6 runs in a row passed after.
# e2e-hosts: svm
# e2e-timeout: 900
BLK_VCPUS=2
. /e2e/scenarios/66-blk-rebind.sh
