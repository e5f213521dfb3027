# SPDX-License-Identifier: GPL-2.0
#
# The CPU the SVM emulated host shows (sourced by run.sh and demo.sh).
#
# qemu64 with SVM and NPT, reporting AMD family 17h (Zen) rather than
# qemu64's family 0Fh (K8).  NPT hardware is family 10h and later, and
# what people run hxen on is 17h and later; Linux treats 0Fh-11h (and early
# 15h) as having a K8 GART and, on such CPUs, scans all 256 PCI buses
# through port 0xcf8/0xcfc at boot (arch/x86/kernel/aperture_64.c) - 16k
# I/O exits in any VM on that host, hxen's or KVM's.  The feature flags are
# still qemu64's, which TCG implements.  E2E_SVM_CPU overrides it.
svm_cpu=${E2E_SVM_CPU:-qemu64,+svm,+npt,family=23,model=1,stepping=2}
