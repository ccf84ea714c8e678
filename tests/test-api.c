/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the API a C program leans on beyond feeding frames:
 * mpf_ctx_finish(), mpf_ctx_expire(), a node's frames, the payload
 * length of every frame, time stamps at the ends of int64, the version
 * macros and the status list
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "mpf-private.h"
#include "mpf-test.h"

#define CAP "kernel/v1-3paths-signal-loss/capture.pcap"

/* ----------------------------------------------------- a node's frames */

struct visit {
	uint32_t node, last, count;
};

static bool
visit_frame(const struct mpf_frame *f, void *user)
{
	struct visit *v = user;

	ck_assert_uint_eq(mpf_frame_get_node_id(f), v->node);
	ck_assert_uint_gt(mpf_frame_get_number(f), v->last); /* in order */
	v->last = mpf_frame_get_number(f);
	v->count++;
	return true;
}

/* Every node's frames are exactly the frames whose result names it, and
 * the lists cost about a byte a frame. */
static void
check_node_frames(struct mpf_ctx *ctx)
{
	uint32_t nodes = mpf_ctx_get_node_count(ctx), i, k;
	uint32_t *per = g_new0(uint32_t, nodes + 1);
	uint64_t bytes = 0, alloc = 0;
	uint32_t listed = 0, merged = 0;

	for (k = 1; k <= ctx->last_number; k++) { /* numbers may have gaps */
		const struct mpf_frame *f = mpf_ctx_get_frame(ctx, k);

		if (f && mpf_frame_get_node_id(f) != MPF_ID_NONE)
			per[mpf_frame_get_node_id(f)]++;
	}
	for (i = 0; i < nodes; i++) {
		const struct mpf_node *n = mpf_ctx_get_node(ctx, i);
		struct visit v = { i, 0, 0 };

		if (mpf_node_get_merged_into(n) != MPF_ID_NONE) {
			merged++;
			ck_assert_int_eq(mpf_node_foreach_frame(ctx, n, visit_frame,
								&v),
					 MPF_ERR_INVALID);
			continue;
		}
		ck_assert_int_eq(mpf_node_foreach_frame(ctx, n, visit_frame, &v),
				 MPF_OK);
		ck_assert_uint_eq(v.count, per[i]);
		ck_assert_uint_eq(mpf_node_get_frame_count(n), per[i]);
		listed += v.count;
		bytes += n->fr_len;
		alloc += n->fr_cap;
	}
	ck_assert_uint_gt(listed, 0);
	/* delta-coded numbers: about a byte each, doubling arrays */
	ck_assert_uint_le(bytes, (uint64_t)listed * 2);
	ck_assert_uint_le(alloc, (uint64_t)listed * 4 + 16 * nodes);
	g_free(per);
	(void)merged;
}

START_TEST(test_node_frames)
{
	struct mpf_ctx *ctx = capture_load(CAP);

	check_node_frames(ctx);
	mpf_ctx_free(ctx);
}
END_TEST

struct cut {
	struct mpf_ctx *ctx;
	uint32_t from, step;
};

static void
feed_from(const struct mpf_packet *pkt, void *user)
{
	struct cut *c = user;
	struct mpf_packet p = *pkt;

	/* frame numbers with gaps, as a filter leaves them */
	p.number = pkt->number * c->step;
	if (pkt->number >= c->from)
		ck_assert_int_eq(mpf_ctx_feed(c->ctx, &p, NULL), MPF_OK);
}

/* Subflows grouped after the fact: the survivor lists its absorbed
 * nodes' frames too, in order. */
START_TEST(test_node_frames_merged)
{
	struct cut c = { mpf_ctx_new(NULL), 1000, 3 };
	uint32_t i, absorbed = 0;

	capture_foreach(CAP, feed_from, &c);
	for (i = 0; i < mpf_ctx_get_node_count(c.ctx); i++)
		absorbed += mpf_node_get_merged_into(mpf_ctx_get_node(c.ctx, i)) !=
			    MPF_ID_NONE;
	ck_assert_uint_eq(absorbed, 4); /* as test-depth finds */
	check_node_frames(c.ctx);
	mpf_ctx_free(c.ctx);
}
END_TEST

static bool
stop_at_three(const struct mpf_frame *f, void *user)
{
	(void)f;
	return ++*(int *)user < 3;
}

START_TEST(test_node_frames_contract)
{
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx, *other = capture_load(CAP);
	int seen = 0;

	mpf_config_set_retain_frames(cfg, false);
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	capture_foreach(CAP, feed_from, &(struct cut){ ctx, 0, 1 });
	/* results not kept: nothing to walk */
	ck_assert_int_eq(mpf_node_foreach_frame(ctx, mpf_ctx_get_node(ctx, 0),
						stop_at_three, &seen),
			 MPF_ERR_NOT_FOUND);
	ck_assert_uint_eq(mpf_node_get_frame_count(mpf_ctx_get_node(ctx, 0)), 0);
	/* a node of another context, NULLs */
	ck_assert_int_eq(mpf_node_foreach_frame(other, mpf_ctx_get_node(ctx, 0),
						stop_at_three, &seen),
			 MPF_ERR_INVALID);
	ck_assert_int_eq(mpf_node_foreach_frame(other, NULL, stop_at_three, &seen),
			 MPF_ERR_INVALID);
	ck_assert_int_eq(mpf_node_foreach_frame(other, mpf_ctx_get_node(other, 0),
						NULL, NULL),
			 MPF_ERR_INVALID);
	/* the callback stops the walk */
	ck_assert_int_eq(mpf_node_foreach_frame(other, mpf_ctx_get_node(other, 0),
						stop_at_three, &seen),
			 MPF_OK);
	ck_assert_int_eq(seen, 3);
	mpf_ctx_free(ctx);
	mpf_ctx_free(other);
}
END_TEST

/* A walk's callback cannot feed the context. */
struct feeder {
	struct mpf_ctx *ctx;
	int status;
};

static bool
feed_inside(const struct mpf_frame *f, void *user)
{
	struct feeder *fd = user;
	uint8_t byte = 0;
	struct mpf_packet p = { 1000000, 1, &byte, 1, 1, 0, 0 };

	(void)f;
	fd->status = mpf_ctx_feed(fd->ctx, &p, NULL);
	return false;
}

START_TEST(test_node_frames_busy)
{
	struct mpf_ctx *ctx = capture_load(CAP);
	struct feeder fd = { ctx, 0 };

	ck_assert_int_eq(mpf_node_foreach_frame(ctx, mpf_ctx_get_node(ctx, 0),
						feed_inside, &fd),
			 MPF_OK);
	ck_assert_int_eq(fd.status, MPF_ERR_BUSY);
	mpf_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------------- finish */

struct seen {
	struct mpf_ctx *ctx;
	GHashTable *ids;     /* node id -> reason + 1 */
	unsigned finished;
	int feed_status;
	int finish_status;
};

static void
on_release(const struct mpf_ctx *ctx, const struct mpf_node *n,
	   enum mpf_release_reason why, void *user)
{
	struct seen *s = user;
	uint8_t byte = 0;
	struct mpf_packet p = { 2000000, 1, &byte, 1, 1, 0, 0 };
	gpointer key = GUINT_TO_POINTER(mpf_node_get_id(n) + 1);

	(void)ctx;
	ck_assert_msg(!g_hash_table_contains(s->ids, key),
		      "node %u released twice", mpf_node_get_id(n));
	ck_assert_uint_eq(mpf_node_get_merged_into(n), MPF_ID_NONE);
	g_hash_table_insert(s->ids, key, GUINT_TO_POINTER(why + 1));
	s->finished += why == MPF_RELEASE_FINISHED;
	/* neither feeding nor finishing from the handler */
	s->feed_status = mpf_ctx_feed(s->ctx, &p, NULL);
	s->finish_status = mpf_ctx_finish(s->ctx);
}

static struct mpf_ctx *
ctx_with_handler(bool streaming, struct seen *s)
{
	struct mpf_config *cfg = mpf_config_new();
	struct mpf_ctx *ctx;

	mpf_config_set_streaming(cfg, streaming);
	mpf_config_set_release_handler(cfg, on_release, s);
	if (streaming)
		mpf_config_set_idle_timeout(cfg, 1);
	ctx = mpf_ctx_new(cfg);
	mpf_config_free(cfg);
	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->ids = g_hash_table_new(g_direct_hash, g_direct_equal);
	return ctx;
}

/* Streaming over a capture played in two halves far apart: the first
 * half's nodes go as they idle, the rest at mpf_ctx_finish(); every node
 * that is not absorbed reaches the handler once, then is freed. */
START_TEST(test_finish_streaming)
{
	struct seen s;
	struct mpf_ctx *ctx = ctx_with_handler(true, &s);
	struct cut c = { ctx, 1000, 1 };
	uint32_t i, alive = 0;
	uint8_t byte = 0;
	struct mpf_packet p = { 9000000, 1, &byte, 1, 1, 0, 0 };

	capture_foreach(CAP, feed_from, &c);
	ck_assert_uint_gt(mpf_ctx_get_node_count(ctx), 0);
	for (i = 0; i < mpf_ctx_get_node_count(ctx); i++) {
		const struct mpf_node *n = mpf_ctx_get_node(ctx, i);

		alive += n && mpf_node_get_merged_into(n) == MPF_ID_NONE;
	}
	ck_assert_uint_gt(alive, 0);
	ck_assert_int_eq(mpf_ctx_finish(ctx), MPF_OK);
	ck_assert_uint_eq(s.finished, alive);
	ck_assert_int_eq(s.feed_status, MPF_ERR_BUSY);
	ck_assert_int_eq(s.finish_status, MPF_ERR_BUSY);
	for (i = 0; i < mpf_ctx_get_node_count(ctx); i++)
		ck_assert_ptr_null(mpf_ctx_get_node(ctx, i));
	/* and the context takes no more frames */
	ck_assert_int_eq(mpf_ctx_feed(ctx, &p, NULL), MPF_ERR_BUSY);
	ck_assert_int_eq(mpf_ctx_finish(ctx), MPF_ERR_BUSY);
	ck_assert_int_eq(mpf_ctx_finish(NULL), MPF_ERR_INVALID);
	g_hash_table_destroy(s.ids);
	mpf_ctx_free(ctx);
}
END_TEST

/* Without streaming the handler sees each node at the end, and the graph
 * stays readable. */
START_TEST(test_finish_retained)
{
	struct seen s;
	struct mpf_ctx *ctx = ctx_with_handler(false, &s);
	struct cut c = { ctx, 1000, 1 };
	uint32_t i, shown = 0;

	capture_foreach(CAP, feed_from, &c);
	ck_assert_uint_eq(g_hash_table_size(s.ids), 0);
	ck_assert_int_eq(mpf_ctx_finish(ctx), MPF_OK);
	for (i = 0; i < mpf_ctx_get_node_count(ctx); i++) {
		const struct mpf_node *n = mpf_ctx_get_node(ctx, i);
		gpointer why = g_hash_table_lookup(s.ids, GUINT_TO_POINTER(i + 1));

		ck_assert_ptr_nonnull(n);
		if (mpf_node_get_merged_into(n) != MPF_ID_NONE) {
			ck_assert_ptr_null(why);
			continue;
		}
		ck_assert_uint_eq(GPOINTER_TO_UINT(why), MPF_RELEASE_FINISHED + 1);
		shown++;
	}
	ck_assert_uint_eq(shown, 2); /* two connections, grouped */
	ck_assert_ptr_nonnull(mpf_ctx_get_frame(ctx, 2000));
	ck_assert_str_eq(mpf_release_reason_to_string(MPF_RELEASE_FINISHED),
			 "finished");
	g_hash_table_destroy(s.ids);
	mpf_ctx_free(ctx);
}
END_TEST

/* A quiet live capture: time moves on without frames. */
START_TEST(test_expire)
{
	struct seen s;
	struct mpf_ctx *ctx = ctx_with_handler(true, &s);
	struct cut c = { ctx, 1, 1 };
	const struct mpf_node *n;
	int64_t last;

	capture_foreach(CAP, feed_from, &c);
	n = mpf_ctx_get_node(ctx, 1);
	ck_assert_ptr_nonnull(n);
	last = mpf_node_get_last_time(n);
	/* earlier than the capture: nothing happens */
	mpf_ctx_expire(ctx, 0, 0);
	ck_assert_ptr_nonnull(mpf_ctx_get_node(ctx, 1));
	/* an hour later every node is idle (timeout 1 s) or ended */
	mpf_ctx_expire(ctx, last / 1000000000 + 3600, 0);
	ck_assert_ptr_null(mpf_ctx_get_node(ctx, 1));
	ck_assert_uint_eq(g_hash_table_size(s.ids), 2);
	ck_assert_uint_eq(mpf_ctx_get_counter(ctx, MPF_COUNTER_RELEASED), 2);
	mpf_ctx_expire(NULL, 0, 0); /* NULL-safe */
	ck_assert_int_eq(mpf_ctx_finish(ctx), MPF_OK);
	ck_assert_uint_eq(s.finished, 0);
	g_hash_table_destroy(s.ids);
	mpf_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------------ frame values */

/* tshark's tcp.len for a segment of no connection: the payload length is
 * every frame's, not only a node's. */
START_TEST(test_payload_length_without_node)
{
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	struct craft_tcp t = { "10.0.0.1", "10.0.0.2", 40000, 80, 1, 1,
			       CRAFT_ACK | CRAFT_PSH, NULL, 0, 119 };
	const struct mpf_frame *f = craft_feed_tcp(ctx, &t);

	ck_assert_uint_eq(mpf_frame_get_node_id(f), MPF_ID_NONE);
	ck_assert_uint_eq(mpf_frame_get_payload_length(f), 119);
	f = mpf_ctx_get_frame(ctx, mpf_frame_get_number(f));
	ck_assert_uint_eq(mpf_frame_get_payload_length(f), 119);
	mpf_ctx_free(ctx);
}
END_TEST

/* Time stamps at the ends of int64 seconds: no overflow (UBSan watches
 * the sanitizer build), the times saturate and keep their order. */
START_TEST(test_time_saturates)
{
	static const int64_t secs[] = { INT64_MIN, -9223372036LL, 0, 1,
					9223372034LL, 9223372036LL, INT64_MAX };
	struct mpf_ctx *ctx = mpf_ctx_new(NULL);
	struct craft_tcp t = { "10.0.0.1", "10.0.0.2", 40000, 80, 1, 1,
			       CRAFT_SYN, NULL, 0, 0 };
	uint8_t buf[256];
	size_t len = craft_tcp_frame(buf, sizeof(buf), CRAFT_RAW, &t);
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(secs); i++) {
		struct mpf_packet p = { (uint32_t)i + 1, CRAFT_RAW, buf,
					(uint32_t)len, (uint32_t)len, secs[i],
					999999999 };

		ck_assert_int_eq(mpf_ctx_feed(ctx, &p, NULL), MPF_OK);
	}
	ck_assert_int_eq(mpf__ts_ns(INT64_MAX, 5), INT64_MAX);
	ck_assert_int_eq(mpf__ts_ns(INT64_MIN, 5), INT64_MIN);
	ck_assert_int_eq(mpf__ts_ns(-1, 500000000), -500000000);
	ck_assert_int_eq(mpf__ts_ns(9223372036LL, 854775807u), INT64_MAX);
	ck_assert_int_eq(mpf__ts_ns(9223372036LL, 854775808u), INT64_MAX);
	mpf_ctx_free(ctx);
}
END_TEST

/* ------------------------------------------------- version and status */

START_TEST(test_version)
{
	char v[32];

	g_snprintf(v, sizeof(v), "%d.%d.%d", MPF_VERSION_MAJOR,
		   MPF_VERSION_MINOR, MPF_VERSION_MICRO);
	ck_assert_str_eq(v, MPF_VERSION_FOR_TESTS);
	ck_assert_str_eq(mpf_version_string(), MPF_VERSION_FOR_TESTS);
	ck_assert(MPF_CHECK_VERSION(0, 1, 0));
	ck_assert(MPF_CHECK_VERSION(0, 2, 0));
	ck_assert(MPF_CHECK_VERSION(MPF_VERSION_MAJOR, MPF_VERSION_MINOR,
				    MPF_VERSION_MICRO));
	ck_assert(!MPF_CHECK_VERSION(MPF_VERSION_MAJOR, MPF_VERSION_MINOR,
				     MPF_VERSION_MICRO + 1));
	ck_assert(!MPF_CHECK_VERSION(MPF_VERSION_MAJOR + 1, 0, 0));
}
END_TEST

/* Every status in the list can be returned; -4 (out of memory) left it
 * and names nothing. */
START_TEST(test_status_list)
{
	ck_assert_str_eq(mpf_status_to_string(-4), "unknown status");
	ck_assert_str_eq(mpf_status_name(MPF_ERR_BUSY), "ERR_BUSY");
}
END_TEST

/* ------------------------------------------------------- flag tables */

#define FLAG_NAME(NAME, bit, group, sev, anomaly, name, field, text) name,

/* "a, b and c", as the man page writes a list. */
static char *
prose_list(const char *const *names, size_t n)
{
	GString *s = g_string_new(NULL);
	size_t i;

	for (i = 0; i < n; i++)
		g_string_append_printf(s, "%s%s",
				       i == 0 ? "" : i + 1 == n ? " and " : ", ",
				       names[i]);
	return g_string_free(s, FALSE);
}

/* Asserts that @man lists @names, in table order, as "flags are ...". */
static void
check_man_lists(const char *man, const char *what, const char *const *names,
		size_t n)
{
	char *list = prose_list(names, n);
	char *want = g_strdup_printf("flags are %s.", list);

	ck_assert_msg(strstr(man, want), "tools/mpflow.1 lacks the %s flags "
		      "of mpflow.h's table, \"%s\"", what, want);
	g_free(want);
	g_free(list);
}

/* The man page's flag lists are the tables' names (MPF_*_FRAME_FLAG_MAP):
 * a flag added to a table and not to the man page fails here. */
START_TEST(test_flag_tables_man_page)
{
	static const char *const mptcp[] = { MPF_MPTCP_FRAME_FLAG_MAP(FLAG_NAME) };
	static const char *const sctp[] = { MPF_SCTP_FRAME_FLAG_MAP(FLAG_NAME) };
	static const char *const lisp[] = { MPF_LISP_FRAME_FLAG_MAP(FLAG_NAME) };
	GString *man = g_string_new(NULL);
	char *raw, **words;
	size_t i;

	ck_assert(g_file_get_contents(MPF_TEST_DATA_DIR "/../../tools/mpflow.1",
				      &raw, NULL, NULL));
	/* the words, one space apart, as the page's filled text reads */
	words = g_strsplit_set(raw, " \t\n", -1);
	for (i = 0; words[i]; i++)
		if (words[i][0])
			g_string_append_printf(man, "%s ", words[i]);
	check_man_lists(man->str, "MPTCP", mptcp, G_N_ELEMENTS(mptcp));
	check_man_lists(man->str, "SCTP", sctp, G_N_ELEMENTS(sctp));
	check_man_lists(man->str, "LISP", lisp, G_N_ELEMENTS(lisp));
	/* and the library names each flag as its table does */
	for (i = 0; i < G_N_ELEMENTS(mptcp); i++)
		ck_assert_str_eq(mpf_mptcp_frame_flag_to_string(1u << i), mptcp[i]);
	for (i = 0; i < G_N_ELEMENTS(sctp); i++)
		ck_assert_str_eq(mpf_sctp_frame_flag_to_string(1u << i), sctp[i]);
	ck_assert_str_eq(mpf_mptcp_frame_flag_to_string(1u << 31), "unknown");
	ck_assert_str_eq(mpf_sctp_frame_flag_to_string(0), "unknown");
	g_string_free(man, TRUE);
	g_strfreev(words);
	g_free(raw);
}
END_TEST

/* Programs written for 0.1 still compile: the old direction names are
 * the same values of enum mpf_side (they only warn), and
 * mpf_counter_name() is mpf_counter_to_string(). */
START_TEST(test_deprecated_names)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	enum mpf_direction d = MPF_DIR_SERVER_TO_CLIENT;
	enum mpf_flow_dir f = MPF_FLOW_FORWARD;

	ck_assert_int_eq(d, MPF_SIDE_SERVER);
	ck_assert_int_eq(f, MPF_SIDE_CLIENT);
	ck_assert_int_eq(MPF_DIR_CLIENT_TO_SERVER, MPF_SIDE_CLIENT);
	ck_assert_int_eq(MPF_FLOW_REVERSE, MPF_SIDE_SERVER);
	ck_assert_str_eq(mpf_counter_name(MPF_COUNTER_EVICTED), "evicted");
#pragma GCC diagnostic pop
	ck_assert_str_eq(mpf_counter_to_string(MPF_COUNTER_EVICTED), "evicted");
	ck_assert_str_eq(mpf_counter_to_string(MPF_COUNTER_COUNT), "unknown");
}
END_TEST

static Suite *
api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("node frames");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_node_frames);
	tcase_add_test(tc, test_node_frames_merged);
	tcase_add_test(tc, test_node_frames_contract);
	tcase_add_test(tc, test_node_frames_busy);
	suite_add_tcase(s, tc);

	tc = tcase_create("finish");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_finish_streaming);
	tcase_add_test(tc, test_finish_retained);
	tcase_add_test(tc, test_expire);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_test(tc, test_payload_length_without_node);
	tcase_add_test(tc, test_time_saturates);
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_status_list);
	tcase_add_test(tc, test_flag_tables_man_page);
	tcase_add_test(tc, test_deprecated_names);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(api_suite)
