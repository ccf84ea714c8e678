/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LISP: the Open Overlay Router captures against the configuration OOR was
 * given (sites, prefixes, RLOCs with priority and weight), the failover's
 * locator changes frame by frame, request/reply matching, tcpdump's LISP
 * files (IPv6 EIDs, re-registrations, malformed messages), and crafted
 * traffic for what real captures here do not show: longest-prefix match
 * between a covering prefix and a more specific one, data to a backup
 * locator, a Map-Reply nobody asked for, data before any mapping.
 */
#include <arpa/inet.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mpf-test.h"

static const char *const oor_dirs[] = {
	"oor/v4-primary-backup",
	"oor/v4-balance-failover",
	"oor/dual-iid-proxy",
};

/* --------------------------------------------------------- the truth */

/* "iid/prefix" -> GHashTable of "rloc priority weight" */
static GHashTable *
read_truth(const char *dir)
{
	char *path = capture_path(dir), *file = g_build_filename(path, "truth.txt", NULL);
	char *text = NULL, **lines;
	GHashTable *sites = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						  (GDestroyNotify)g_hash_table_unref);
	int i;

	ck_assert_msg(g_file_get_contents(file, &text, NULL, NULL), "%s", file);
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i]; i++) {
		char **w = g_strsplit(lines[i], " ", -1);
		const char *iid = "0", *prefix = NULL, *addr = NULL, *prio = NULL,
			   *weight = NULL;
		GHashTable *locs;
		char *key;
		int k;

		if (!w[0] || (strcmp(w[0], "mapping") && strcmp(w[0], "rloc"))) {
			g_strfreev(w);
			continue;
		}
		for (k = 1; w[k]; k++) {
			if (g_str_has_prefix(w[k], "iid="))
				iid = w[k] + 4;
			else if (g_str_has_prefix(w[k], "eid-prefix="))
				prefix = w[k] + 11;
			else if (g_str_has_prefix(w[k], "addr="))
				addr = w[k] + 5;
			else if (g_str_has_prefix(w[k], "priority="))
				prio = w[k] + 9;
			else if (g_str_has_prefix(w[k], "weight="))
				weight = w[k] + 7;
		}
		key = g_strdup_printf("%s/%s", iid, prefix);
		locs = g_hash_table_lookup(sites, key);
		if (!locs) {
			locs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
			g_hash_table_insert(sites, g_strdup(key), locs);
		}
		if (!strcmp(w[0], "rloc"))
			g_hash_table_add(locs, g_strdup_printf("%s %s %s", addr, prio, weight));
		g_free(key);
		g_strfreev(w);
	}
	g_strfreev(lines);
	g_free(text);
	g_free(file);
	g_free(path);
	return sites;
}

static char *
node_key(const struct mpf_node *n)
{
	struct mpf_addr p;
	uint8_t len;
	uint32_t iid;
	char a[MPF_ADDR_STRLEN];

	ck_assert(mpf_node_get_lisp_iid(n, &iid));
	ck_assert(mpf_node_get_lisp_eid_prefix(n, &p, &len));
	return g_strdup_printf("%u/%s/%u", iid, mpf_addr_to_string(&p, a, sizeof(a)),
			       len);
}

/* Every configured site is one node with the configured locators; every
 * node is a configured site; every flow leaves from one of its RLOCs. */
START_TEST(test_truth)
{
	const char *dir = oor_dirs[_i];
	char *rel = g_build_filename(dir, "capture.pcap", NULL);
	struct mpf_ctx *ctx = capture_load(rel);
	GHashTable *truth = read_truth(dir);
	uint32_t n, i;

	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), g_hash_table_size(truth));
	for (n = 0; n < mpf_ctx_get_node_count(ctx); n++) {
		const struct mpf_node *node = mpf_ctx_get_node(ctx, n);
		char *key = node_key(node);
		GHashTable *want = g_hash_table_lookup(truth, key);
		char a[MPF_ADDR_STRLEN];

		ck_assert_msg(want != NULL, "%s: node %s is no configured site", dir, key);
		ck_assert_uint_eq(mpf_node_get_lisp_locator_count(node),
				  g_hash_table_size(want));
		for (i = 0; i < mpf_node_get_lisp_locator_count(node); i++) {
			struct mpf_lisp_locator l;
			char *s;

			mpf_node_get_lisp_locator(node, i, &l, sizeof(l));
			s = g_strdup_printf("%s %u %u", mpf_addr_to_string(&l.rloc, a, sizeof(a)),
					    l.priority, l.weight);
			ck_assert_msg(g_hash_table_contains(want, s), "%s: %s: %s", dir, key, s);
			ck_assert_uint_eq(l.dropped_frame, 0);
			g_free(s);
		}
		for (i = 0; i < mpf_node_get_flow_count(node); i++) {
			struct mpf_endpoint src, dst;
			GHashTableIter it;
			gpointer loc;
			bool ok = false;

			mpf_flow_get_endpoints(mpf_node_get_flow(node, i), &src, &dst);
			mpf_addr_to_string(&src.addr, a, sizeof(a));
			g_hash_table_iter_init(&it, want);
			while (g_hash_table_iter_next(&it, &loc, NULL))
				ok = ok || g_str_has_prefix(loc, a);
			ck_assert_msg(ok, "%s: %s: flow from %s, no RLOC of it", dir, key, a);
		}
		g_free(key);
	}
	g_hash_table_destroy(truth);
	mpf_ctx_free(ctx);
	g_free(rel);
}
END_TEST

/* ------------------------------------------------ OOR's captures */

static const struct mpf_node *
site(const struct mpf_ctx *ctx, const char *key)
{
	uint32_t n;

	for (n = 0; n < mpf_ctx_get_node_count(ctx); n++) {
		const struct mpf_node *node = mpf_ctx_get_node(ctx, n);
		char *k = node_key(node);
		bool hit = strcmp(k, key) == 0;

		g_free(k);
		if (hit)
			return node;
	}
	ck_abort_msg("no site %s", key);
	return NULL;
}

static struct mpf_lisp_locator
locator(const struct mpf_node *n, const char *rloc)
{
	struct mpf_lisp_locator l;
	char a[MPF_ADDR_STRLEN];
	uint32_t i;

	for (i = 0; i < mpf_node_get_lisp_locator_count(n); i++) {
		mpf_node_get_lisp_locator(n, i, &l, sizeof(l));
		if (strcmp(mpf_addr_to_string(&l.rloc, a, sizeof(a)), rloc) == 0)
			return l;
	}
	ck_abort_msg("no locator %s", rloc);
	return l;
}

/* The backup RLOC carries no data: only the primaries do. Every data
 * packet is in a site; every reply matches its request. */
START_TEST(test_primary_backup)
{
	struct mpf_ctx *ctx = capture_load("oor/v4-primary-backup/capture.pcap");
	const struct mpf_node *s1 = site(ctx, "0/192.168.1.0/24");
	struct mpf_lisp_stats st;
	uint32_t i, data = 0, replies = 0;

	ck_assert(locator(s1, "10.1.1.2").carried_data);
	ck_assert(!locator(s1, "10.1.2.2").carried_data);
	ck_assert_uint_eq(locator(s1, "10.1.2.2").priority, 2);
	mpf_node_get_lisp_stats(s1, &st, sizeof(st));
	ck_assert_uint_eq(st.backup_used, 0);
	ck_assert_uint_eq(st.registers, 1);
	ck_assert_uint_eq(st.notifies, 1);
	for (i = 1; i <= mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES); i++) {
		const struct mpf_frame *f = mpf_ctx_get_frame(ctx, i);
		unsigned fl = mpf_frame_get_lisp_flags(f);

		if (fl & MPF_LISP_FRAME_DATA) {
			data++;
			ck_assert_uint_ne(mpf_frame_get_node_id(f), MPF_ID_NONE);
			ck_assert_uint_ne(mpf_frame_get_flow_id(f), MPF_ID_NONE);
		}
		if (mpf_frame_get_lisp_type(f) == 2) {
			replies++;
			ck_assert(!(fl & MPF_LISP_FRAME_UNSOLICITED));
			ck_assert_uint_gt(mpf_frame_get_lisp_request_frame(f), 0);
			ck_assert_uint_lt(mpf_frame_get_lisp_request_frame(f), i);
		}
	}
	ck_assert_uint_eq(data, 137);
	ck_assert_uint_eq(replies, 2);
	ck_assert_uint_eq(mpf_ctx_get_lisp_unmapped_count(ctx), 0);
	mpf_ctx_free(ctx);
}
END_TEST

/* x1 loses 10.1.1.2. The first record without it is x1's RLOC-probe
 * reply in frame 221 (its re-registration follows in 223); a later record
 * brings it back; no data leaves from it in between. */
START_TEST(test_failover)
{
	struct mpf_ctx *ctx = capture_load("oor/v4-balance-failover/capture.pcap");
	const struct mpf_node *s1 = site(ctx, "0/192.168.1.0/24");
	struct mpf_lisp_change c;
	uint32_t i, probes = 0, smrs = 0;

	ck_assert_uint_eq(mpf_node_get_lisp_change_count(s1), 2);
	mpf_node_get_lisp_change(s1, 0, &c, sizeof(c));
	ck_assert_int_eq(c.kind, MPF_LISP_LOCATOR_DROPPED);
	ck_assert_uint_eq(c.frame, 221);
	mpf_node_get_lisp_change(s1, 1, &c, sizeof(c));
	ck_assert_int_eq(c.kind, MPF_LISP_LOCATOR_ADDED);
	ck_assert_uint_eq(c.frame, 427);
	ck_assert(mpf_frame_get_lisp_flags(mpf_ctx_get_frame(ctx, 221)) &
		  MPF_LISP_FRAME_LOCATOR_DROPPED);
	ck_assert_int_eq(mpf_frame_get_lisp_type(mpf_ctx_get_frame(ctx, 221)), 2);
	ck_assert(mpf_frame_get_lisp_flags(mpf_ctx_get_frame(ctx, 221)) &
		  MPF_LISP_FRAME_PROBE);
	ck_assert_int_eq(mpf_frame_get_lisp_type(mpf_ctx_get_frame(ctx, 223)), 3);
	ck_assert_uint_eq(mpf_frame_get_lisp_request_frame(mpf_ctx_get_frame(ctx, 224)),
			  223); /* the Map-Notify answers the Map-Register */
	for (i = 222; i < 427; i++) {
		const struct mpf_frame *f = mpf_ctx_get_frame(ctx, i);

		if (mpf_frame_get_flow_id(f) != MPF_ID_NONE) {
			struct mpf_endpoint src;
			char a[MPF_ADDR_STRLEN];

			mpf_flow_get_endpoints(mpf_ctx_get_flow(ctx, mpf_frame_get_flow_id(f)),
					       &src, NULL);
			ck_assert_str_ne(mpf_addr_to_string(&src.addr, a, sizeof(a)),
					 "10.1.1.2");
		}
	}
	for (i = 1; i <= mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES); i++) {
		unsigned fl = mpf_frame_get_lisp_flags(mpf_ctx_get_frame(ctx, i));

		probes += (fl & MPF_LISP_FRAME_PROBE) != 0;
		smrs += (fl & MPF_LISP_FRAME_SMR) != 0;
		ck_assert(!(fl & MPF_LISP_FRAME_UNSOLICITED));
	}
	ck_assert_uint_eq(probes, 14 + 13); /* requests and replies */
	ck_assert_uint_eq(smrs, 4);
	ck_assert_uint_eq(mpf_node_get_flow_count(s1), 3);
	mpf_ctx_free(ctx);
}
END_TEST

/* Instance 7, IPv4 and IPv6 EIDs, replies by the Map-Server itself. */
START_TEST(test_dual_iid)
{
	struct mpf_ctx *ctx = capture_load("oor/dual-iid-proxy/capture.pcap");
	const struct mpf_node *s2 = site(ctx, "7/fd00:2::/64");
	uint32_t i, v6 = 0, iid;

	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 4);
	/* x2's second RLOC has priority 1: all data to site 2 goes there */
	ck_assert_uint_eq(locator(s2, "10.2.2.2").priority, 1);
	for (i = 1; i <= mpf_ctx_get_counter(ctx, MPF_COUNTER_FRAMES); i++) {
		const struct mpf_frame *f = mpf_ctx_get_frame(ctx, i);

		if (!(mpf_frame_get_lisp_flags(f) & MPF_LISP_FRAME_DATA))
			continue;
		ck_assert(mpf_frame_get_lisp_iid(f, &iid));
		ck_assert_uint_eq(iid, 7);
		if (mpf_frame_get_node_id(f) == mpf_node_get_id(s2) ||
		    mpf_frame_get_node_id(f) ==
			    mpf_node_get_id(site(ctx, "7/fd00:1::/64")))
			v6++;
	}
	ck_assert_uint_eq(v6, 112);
	mpf_ctx_free(ctx);
}
END_TEST

/* --------------------------------------------------- public files */

START_TEST(test_public)
{
	struct mpf_ctx *ctx = capture_load("public/tcpdump-lisp_eid_register.pcap");
	const struct mpf_node *n = site(ctx, "0/10.30.1.96/32");

	/* the second Map-Register adds a locator */
	ck_assert(mpf_frame_get_lisp_flags(mpf_ctx_get_frame(ctx, 2)) &
		  MPF_LISP_FRAME_LOCATOR_ADDED);
	ck_assert_uint_eq(mpf_node_get_lisp_locator_count(n), 2);
	ck_assert_uint_eq(locator(n, "20.20.8.251").first_frame, 2);
	mpf_ctx_free(ctx);

	ctx = capture_load("public/tcpdump-lisp_ipv6.pcap");
	site(ctx, "0/2001:db8:85a3::/80");
	site(ctx, "0/2001:db8:95a3::/80");
	ck_assert_uint_eq(mpf_frame_get_lisp_request_frame(mpf_ctx_get_frame(ctx, 2)), 1);
	mpf_ctx_free(ctx);

	/* three sites; later notifies repeat two of them unchanged */
	ctx = capture_load("public/tcpdump-lisp_eid_notify.pcap");
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 3);
	ck_assert_uint_eq(mpf_node_get_lisp_locator_count(site(ctx, "0/10.30.1.96/32")), 2);
	ck_assert_uint_eq(mpf_frame_get_lisp_flags(mpf_ctx_get_frame(ctx, 2)) &
				  (MPF_LISP_FRAME_LOCATOR_DROPPED |
				   MPF_LISP_FRAME_LOCATOR_ADDED),
			  0);
	mpf_ctx_free(ctx);

	/* a record that runs past the message; a length past the packet */
	ctx = capture_load("public/tcpdump-lisp_invalid.pcap");
	ck_assert_int_eq(mpf_frame_get_status(mpf_ctx_get_frame(ctx, 1)),
			 MPF_ERR_MALFORMED);
	ck_assert_int_eq(mpf_frame_get_lisp_type(mpf_ctx_get_frame(ctx, 1)), 4);
	mpf_ctx_free(ctx);
	ctx = capture_load("public/tcpdump-lisp_invalid_length.pcap");
	ck_assert_int_eq(mpf_frame_get_status(mpf_ctx_get_frame(ctx, 1)),
			 MPF_ERR_MALFORMED);
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 0);
	mpf_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------- crafted */

/* An IPv4/UDP frame (raw IP) with @payload. */
static size_t
udp4(uint8_t *buf, const char *src, const char *dst, uint16_t sport,
     uint16_t dport, const uint8_t *payload, size_t n)
{
	size_t len = 20 + 8 + n;

	memset(buf, 0, 28);
	buf[0] = 0x45;
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	buf[8] = 64;
	buf[9] = 17;
	ck_assert_int_eq(inet_pton(AF_INET, src, buf + 12), 1);
	ck_assert_int_eq(inet_pton(AF_INET, dst, buf + 16), 1);
	buf[20] = (uint8_t)(sport >> 8);
	buf[21] = (uint8_t)sport;
	buf[22] = (uint8_t)(dport >> 8);
	buf[23] = (uint8_t)dport;
	buf[24] = (uint8_t)((8 + n) >> 8);
	buf[25] = (uint8_t)(8 + n);
	memcpy(buf + 28, payload, n);
	return len;
}

static size_t
put_be(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
	return (size_t)n;
}

/* A Map-Register with one record: @prefix/@len and locators given as
 * "rloc/priority" strings. */
static size_t
map_register(uint8_t *p, int type, uint64_t nonce, const char *prefix,
	     int len, const char *const *locs)
{
	size_t n = 0;
	int k, nl = 0;

	while (locs[nl])
		nl++;
	p[n++] = (uint8_t)(type << 4);
	p[n++] = 0;
	p[n++] = type == 3 ? 0x01 : 0;
	p[n++] = 1; /* one record */
	n += put_be(p + n, nonce, 8);
	if (type != 2) {
		n += put_be(p + n, 1, 2);  /* key id */
		n += put_be(p + n, 0, 2);  /* no authentication data */
	}
	n += put_be(p + n, 1440, 4);       /* TTL */
	p[n++] = (uint8_t)nl;
	p[n++] = (uint8_t)len;
	n += put_be(p + n, 0x1000, 2);     /* authoritative */
	n += put_be(p + n, 0, 2);
	n += put_be(p + n, 1, 2);          /* AFI IPv4 */
	ck_assert_int_eq(inet_pton(AF_INET, prefix, p + n), 1);
	n += 4;
	for (k = 0; k < nl; k++) {
		char addr[32];
		int prio;

		ck_assert_int_eq(sscanf(locs[k], "%31[^/]/%d", addr, &prio), 2);
		p[n++] = (uint8_t)prio;
		p[n++] = 50;
		p[n++] = 255;
		p[n++] = 0;
		n += put_be(p + n, 0x0005, 2); /* L, R */
		n += put_be(p + n, 1, 2);
		ck_assert_int_eq(inet_pton(AF_INET, addr, p + n), 1);
		n += 4;
	}
	return n;
}

/* A LISP data packet carrying an IPv4 header from @isrc to @idst. */
static size_t
lisp_data(uint8_t *p, const char *isrc, const char *idst)
{
	memset(p, 0, 8 + 20);
	p[8] = 0x45;
	p[11] = 20;
	p[8 + 9] = 1;
	ck_assert_int_eq(inet_pton(AF_INET, isrc, p + 8 + 12), 1);
	ck_assert_int_eq(inet_pton(AF_INET, idst, p + 8 + 16), 1);
	return 8 + 20;
}

static const struct mpf_frame *
udp_send(struct mpf_ctx *ctx, const char *src, const char *dst, uint16_t sport,
     uint16_t dport, const uint8_t *payload, size_t n)
{
	uint8_t buf[1500];
	size_t len = udp4(buf, src, dst, sport, dport, payload, n);

	return craft_feed(ctx, CRAFT_RAW, buf, len);
}

/* A covering /16 and a more specific /24: each data packet goes to the
 * longest prefix known when it was sent; data of no known prefix is
 * counted and reported; data sent to a backup locator is flagged. */
START_TEST(test_crafted)
{
	static const char *const wide[] = { "10.9.0.1/1", NULL };
	static const char *const narrow[] = { "10.8.0.1/1", "10.8.0.2/2", NULL };
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	const struct mpf_frame *f;
	struct mpf_lisp_unmapped u;
	uint8_t msg[512];
	size_t n;
	char a[MPF_ADDR_STRLEN];

	/* frame 1: data before any mapping */
	n = lisp_data(msg, "172.16.5.9", "172.17.0.1");
	f = udp_send(ctx, "10.8.0.1", "10.7.0.1", 4341, 4341, msg, n);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), MPF_ID_NONE);
	ck_assert(mpf_frame_get_lisp_flags(f) & MPF_LISP_FRAME_NO_MAPPING);
	/* frames 2, 3: the /16, then the /24 inside it */
	n = map_register(msg, 3, 1, "172.16.0.0", 16, wide);
	udp_send(ctx, "10.9.0.1", "10.0.0.2", 4342, 4342, msg, n);
	n = map_register(msg, 3, 2, "172.16.5.0", 24, narrow);
	udp_send(ctx, "10.8.0.1", "10.0.0.2", 4342, 4342, msg, n);
	ck_assert_uint_eq(mpf_ctx_get_node_count(ctx), 2);
	/* frame 4: from inside the /24; frame 5: the /16 only */
	n = lisp_data(msg, "172.16.5.9", "172.17.0.1");
	f = udp_send(ctx, "10.8.0.1", "10.7.0.1", 4341, 4341, msg, n);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 1);
	n = lisp_data(msg, "172.16.6.9", "172.17.0.1");
	f = udp_send(ctx, "10.9.0.1", "10.7.0.1", 4341, 4341, msg, n);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), 0);
	/* frame 6: to the /24's backup locator while its primary is up */
	n = lisp_data(msg, "172.17.0.1", "172.16.5.9");
	f = udp_send(ctx, "10.7.0.1", "10.8.0.2", 4341, 4341, msg, n);
	ck_assert(mpf_frame_get_lisp_flags(f) & MPF_LISP_FRAME_BACKUP_USED);
	ck_assert_uint_eq(mpf_frame_get_node_id(f), MPF_ID_NONE); /* 172.17/16 unmapped */
	/* frame 7: a Map-Reply nobody asked for */
	n = map_register(msg, 2, 99, "172.16.5.0", 24, narrow);
	f = udp_send(ctx, "10.0.0.2", "10.7.0.1", 4342, 4342, msg, n);
	ck_assert(mpf_frame_get_lisp_flags(f) & MPF_LISP_FRAME_UNSOLICITED);
	/* frame 8: the /24 re-registered without its backup */
	n = map_register(msg, 3, 3, "172.16.5.0", 24,
			 (const char *const[]){ "10.8.0.1/1", NULL });
	f = udp_send(ctx, "10.8.0.1", "10.0.0.2", 4342, 4342, msg, n);
	ck_assert(mpf_frame_get_lisp_flags(f) & MPF_LISP_FRAME_LOCATOR_DROPPED);
	ck_assert_uint_eq(locator(mpf_ctx_get_node(ctx, 1), "10.8.0.2").dropped_frame, 8);
	ck_assert_uint_eq(locator(mpf_ctx_get_node(ctx, 1), "10.8.0.2").backup_hits, 1);

	ck_assert_uint_eq(mpf_ctx_get_lisp_unmapped_count(ctx), 2);
	mpf_ctx_get_lisp_unmapped(ctx, 0, &u, sizeof(u));
	ck_assert_str_eq(mpf_addr_to_string(&u.eid, a, sizeof(a)), "172.16.5.9");
	ck_assert_uint_eq(u.first_frame, 1);
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_UNMATCHED), 2);
	mpf_ctx_free(ctx);
}
END_TEST

static Suite *
lisp_data_suite(void)
{
	Suite *s = suite_create("lisp-data");
	TCase *tc = tcase_create("oor");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_truth, 0, G_N_ELEMENTS(oor_dirs));
	tcase_add_test(tc, test_primary_backup);
	tcase_add_test(tc, test_failover);
	tcase_add_test(tc, test_dual_iid);
	suite_add_tcase(s, tc);

	tc = tcase_create("public");
	tcase_add_test(tc, test_public);
	tcase_add_test(tc, test_crafted);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(lisp_data_suite)
