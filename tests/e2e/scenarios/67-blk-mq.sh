#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# 66-blk-rebind on a 2-vCPU guest: one blkif ring per vCPU (multi-queue),
# two disks, unbind/bind.  Manual: 2-vCPU guests still hit the rare
# guest-wide stalls of docs/kmod.md (both vCPUs idle, the vbd rings with
# nothing pending), about one run in three here.
# e2e-hosts: manual
# e2e-timeout: 900
BLK_VCPUS=2
. /e2e/scenarios/66-blk-rebind.sh
