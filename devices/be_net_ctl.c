// SPDX-License-Identifier: GPL-2.0
/*
 * network-list on the control socket (docs/protocol.md, `hxen
 * network-list NAME`): each vif's index, MAC, transport, backend state
 * and counters (frames, bytes, drops, bad packets from the guest).
 */
#include <stdio.h>

#include "devices/be_net.h"
#include "devices/be_xenbus.h"
#include "monitor/ctl.h"
#include "tools/json.h"

static void add_vif(struct net_dev *nd, void *opaque)
{
	struct json *o = json_new(JSON_OBJ);
	const uint8_t *m = nd->spec->mac;
	struct net_stats st;
	char buf[256];

	net_dev_stats(nd, &st);
	json_set(o, "index", json_int(nd->spec->index));
	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
		 m[2], m[3], m[4], m[5]);
	json_set(o, "mac", json_str(buf));
	json_set(o, "transport", json_str(nd->xport ? nd->xport->ops->name :
					  "none"));
	buf[0] = '\0';
	if (nd->xport)
		nd->xport->ops->describe(nd->xport, buf, sizeof(buf));
	json_set(o, "host", json_str(buf));
	json_set(o, "state", json_str(be_xenbus_state_name(nd->dev->state)));
	json_set(o, "queues", json_int(nd->nr_queues));
	json_set(o, "tx_frames", json_int(st.tx_frames));
	json_set(o, "tx_bytes", json_int(st.tx_bytes));
	json_set(o, "tx_dropped", json_int(st.tx_dropped));
	json_set(o, "tx_errors", json_int(st.tx_errors));
	json_set(o, "rx_frames", json_int(st.rx_frames));
	json_set(o, "rx_bytes", json_int(st.rx_bytes));
	json_set(o, "rx_dropped", json_int(st.rx_dropped));
	json_push(opaque, o);
}

static struct json *network_list(const struct json *req)
{
	struct json *r = json_new(JSON_OBJ), *l = json_new(JSON_ARR);

	net_devs_walk(add_vif, l);
	json_set(r, "ok", json_bool(true));
	json_set(r, "vifs", l);
	return r;
}

static struct ctl_command net_list_cmd = {
	.name = "network-list", .fn = network_list,
};
CTL_COMMAND(net_list_cmd)
