# SPDX-License-Identifier: GPL-2.0
# DEMO=testguest: the freestanding test guest; its TAP output is the show.
need "$TESTGUEST"
echo "demo: the hxen test guest (pvdrivers/testguest) under hxen-monitor"
$(testguest_cmd)
