/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the context: configuration, the two-phase frame interface,
 * frame results, counters, status codes and logging
 *
 * First pass: mpf_ctx_feed() decodes a frame, hands it to the first enabled
 * backend that claims it, and stores the frame's result (retained mode) in
 * an array ordered by frame number. Later passes: mpf_ctx_get_frame() only
 * reads that array, so revisits in any order never change the graph.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mpf-private.h"

#ifndef MPF_VERSION
#define MPF_VERSION "0.0.0"
#endif

/* -------------------------------------------------------------- status */

const char *
mpf_status_to_string(int status)
{
	switch (status) {
#define MPF_XX(name, value, text)                                            \
	case MPF_##name:                                                     \
		return text;
		MPF_STATUS_MAP(MPF_XX)
#undef MPF_XX
	default:
		return "unknown status";
	}
}

const char *
mpf_status_name(int status)
{
	switch (status) {
#define MPF_XX(name, value, text)                                            \
	case MPF_##name:                                                     \
		return #name;
		MPF_STATUS_MAP(MPF_XX)
#undef MPF_XX
	default:
		return "UNKNOWN";
	}
}

const char *
mpf_version_string(void)
{
	return MPF_VERSION;
}

const char *
mpf_counter_to_string(enum mpf_counter counter)
{
	static const char *const names[] = {
#define MPF_XX(name, text) text,
		MPF_COUNTER_MAP(MPF_XX)
#undef MPF_XX
	};

	if ((unsigned)counter >= MPF_COUNTER_COUNT)
		return "unknown";
	return names[counter];
}

const char *
mpf_counter_name(enum mpf_counter counter)
{
	return mpf_counter_to_string(counter);
}

/* ------------------------------------------------------------ protocol */

static const char *const proto_names[MPF_PROTO_COUNT] = {
	[MPF_PROTO_NONE] = "none",
	[MPF_PROTO_MPTCP] = "mptcp",
	[MPF_PROTO_SCTP] = "sctp",
	[MPF_PROTO_LISP] = "lisp",
};

const char *
mpf_protocol_to_string(enum mpf_protocol proto)
{
	if ((unsigned)proto >= MPF_PROTO_COUNT)
		return "unknown";
	return proto_names[proto];
}

int
mpf_protocol_from_string(const char *name, enum mpf_protocol *proto)
{
	int i;

	if (!name || !proto)
		return MPF_ERR_INVALID;
	for (i = 1; i < MPF_PROTO_COUNT; i++) {
		if (g_ascii_strcasecmp(name, proto_names[i]) == 0) {
			*proto = (enum mpf_protocol)i;
			return MPF_OK;
		}
	}
	return MPF_ERR_NOT_FOUND;
}

bool
mpf_protocol_is_available(enum mpf_protocol proto)
{
	return mpf__backend_find(proto) != NULL;
}

bool
mpf_linktype_is_supported(int linktype)
{
	return mpf__linktype_supported(linktype);
}

/* -------------------------------------------------------------- config */

static void
config_defaults(struct mpf_config *cfg)
{
	int i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 1; i < MPF_PROTO_COUNT; i++)
		cfg->backend_on[i] = mpf__backend_find((enum mpf_protocol)i) != NULL;
	cfg->retain_frames = true;
	cfg->log_level = MPF_LOG_WARNING;
	cfg->idle_ns = 300 * G_GINT64_CONSTANT(1000000000);
	cfg->mem_cap = 16u << 20;
}

struct mpf_config *
mpf_config_new(void)
{
	struct mpf_config *cfg = g_try_new0(struct mpf_config, 1);

	if (cfg)
		config_defaults(cfg);
	return cfg;
}

void
mpf_config_free(struct mpf_config *config)
{
	g_free(config);
}

int
mpf_config_set_backend(struct mpf_config *config, enum mpf_protocol proto,
		       bool enabled)
{
	if (!config)
		return MPF_ERR_INVALID;
	if (!mpf__backend_find(proto))
		return MPF_ERR_NOT_FOUND;
	config->backend_on[proto] = enabled;
	return MPF_OK;
}

void
mpf_config_set_retain_frames(struct mpf_config *config, bool retain)
{
	if (config) {
		config->retain_frames = retain;
		config->retain_set = retain;
	}
}

void
mpf_config_set_streaming(struct mpf_config *config, bool streaming)
{
	if (config)
		config->streaming = streaming;
}

void
mpf_config_set_idle_timeout(struct mpf_config *config, uint32_t seconds)
{
	if (config)
		config->idle_ns = (int64_t)seconds * 1000000000;
}

void
mpf_config_set_memory_cap(struct mpf_config *config, uint64_t bytes)
{
	if (config)
		config->mem_cap = bytes;
}

void
mpf_config_set_shard(struct mpf_config *config, bool shard)
{
	if (config)
		config->shard = shard;
}

void
mpf_config_set_segment_log(struct mpf_config *config, bool keep)
{
	if (config)
		config->segment_log = keep;
}

void
mpf_config_set_release_handler(struct mpf_config *config,
			       mpf_release_func func, void *user_data)
{
	if (!config)
		return;
	config->release_func = func;
	config->release_user_data = user_data;
}

void
mpf_config_set_log_handler(struct mpf_config *config, mpf_log_func func,
			   enum mpf_log_level max_level, void *user_data)
{
	if (!config)
		return;
	config->log_func = func;
	config->log_level = max_level;
	config->log_user_data = user_data;
}

/* ----------------------------------------------------------------- log */

void
mpf__log(const struct mpf_ctx *ctx, enum mpf_log_level level, const char *fmt,
	 ...)
{
	char buf[512];
	va_list ap;

	if (!mpf__log_enabled(ctx, level))
		return;
	va_start(ap, fmt);
	g_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->config.log_func(level, buf, ctx->config.log_user_data);
}

/* ------------------------------------------------------------- context */

struct mpf_ctx *
mpf_ctx_new(const struct mpf_config *config)
{
	struct mpf_ctx *ctx = g_try_new0(struct mpf_ctx, 1);
	int i;

	if (!ctx)
		return NULL;
	if (config)
		ctx->config = *config;
	else
		config_defaults(&ctx->config);
	ctx->settle = mpf__settle_new();
	if (!ctx->settle) {
		g_free(ctx);
		return NULL;
	}
	mpf__ids_init(&ctx->nodes, ctx->config.streaming);
	ctx->deadline = G_MAXINT64;
	mpf__ids_init(&ctx->flows, ctx->config.streaming);
	/* streaming keeps results only when asked to: the caller then lets
	 * them go with mpf_ctx_release_frames() */
	if (ctx->config.retain_frames &&
	    (!ctx->config.streaming || ctx->config.retain_set))
		ctx->store = mpf__store_new();
	if (ctx->config.segment_log && !ctx->config.streaming)
		ctx->seglog = mpf__seglog_new();
	for (i = 0; mpf__backends[i]; i++) {
		const struct mpf_backend *b = mpf__backends[i];

		if (!ctx->config.backend_on[b->protocol])
			continue;
		ctx->state[b->protocol] = g_malloc0(b->state_size ? b->state_size : 1);
		if (b->init)
			b->init(ctx, ctx->state[b->protocol]);
	}
	return ctx;
}

static void
flow_free(void *obj)
{
	struct mpf_flow *f = obj;

	if (f->node->backend->flow_fini)
		f->node->backend->flow_fini(f);
	g_free(f);
}

static void
node_free(void *obj)
{
	struct mpf_node *n = obj;

	if (n->backend->node_fini)
		n->backend->node_fini(n);
	g_ptr_array_free(n->flows, TRUE);
	if (n->absorbed)
		g_array_free(n->absorbed, TRUE);
	if (n->absorbed_flows)
		g_ptr_array_free(n->absorbed_flows, TRUE);
	mpf__node_frames_free(n);
	g_free(n);
}

void
mpf_ctx_free(struct mpf_ctx *ctx)
{
	guint i;

	if (!ctx)
		return;
	/* flows first: a flow's backend is its node's */
	mpf__ids_foreach(&ctx->flows, flow_free);
	mpf__ids_foreach(&ctx->nodes, node_free);
	for (i = 0; mpf__backends[i]; i++) {
		const struct mpf_backend *b = mpf__backends[i];

		if (!ctx->state[b->protocol])
			continue;
		if (b->fini)
			b->fini(ctx, ctx->state[b->protocol]);
		g_free(ctx->state[b->protocol]);
	}
	mpf__ids_fini(&ctx->nodes);
	mpf__ids_fini(&ctx->flows);
	mpf__store_free(ctx->store);
	mpf__seglog_free(ctx->seglog);
	mpf__settle_free(ctx->settle);
	g_free(ctx);
}

static void
count_status(struct mpf_ctx *ctx, int status)
{
	switch (status) {
	case MPF_ERR_TRUNCATED:
		ctx->counters[MPF_COUNTER_TRUNCATED]++;
		break;
	case MPF_ERR_MALFORMED:
		ctx->counters[MPF_COUNTER_MALFORMED]++;
		break;
	case MPF_ERR_UNSUPPORTED:
		ctx->counters[MPF_COUNTER_UNSUPPORTED]++;
		break;
	case MPF_FRAGMENT:
		ctx->counters[MPF_COUNTER_FRAGMENTS]++;
		break;
	default:
		break;
	}
}

/* Lists retained frame @rec in its node's frames (the node that absorbed
 * its node, when a merge happened during the frame). */
static void
frame_to_node(struct mpf_ctx *ctx, const struct mpf_frame *rec)
{
	struct mpf_node *n = mpf__ids_get(&ctx->nodes, rec->node);
	unsigned hops = 0;

	while (n && n->merged_into != MPF_ID_NONE && hops++ < 64)
		n = mpf__ids_get(&ctx->nodes, n->merged_into);
	if (n)
		mpf__node_frames_add(n, rec->number);
}

/* Offers the packet to the backends; returns the backend's extra status. */
static int
dispatch(struct mpf_ctx *ctx, const struct mpf_pkt *pkt, struct mpf_frame *rec)
{
	int i;

	for (i = 0; mpf__backends[i]; i++) {
		const struct mpf_backend *b = mpf__backends[i];

		if (!b->claims(pkt))
			continue;
		if (!ctx->config.backend_on[b->protocol]) {
			ctx->counters[MPF_COUNTER_BACKEND_OFF]++;
			continue;
		}
		return b->ingest(ctx, ctx->state[b->protocol], pkt, rec);
	}
	return MPF_OK;
}

int64_t
mpf__ts_ns(int64_t sec, uint32_t nsec)
{
	int64_t r;

	if (__builtin_mul_overflow(sec, (int64_t)1000000000, &r) ||
	    __builtin_add_overflow(r, (int64_t)nsec, &r))
		return sec < 0 ? INT64_MIN : INT64_MAX;
	return r;
}

/* The seconds past which sec * 10^9 + nsec (nsec < 2^32) may overflow. */
#define TS_SEC_SAFE (INT64_MAX / 1000000000 - 5)

/* @pkt with its time stamp brought into what the decoder's int64
 * nanoseconds hold, in @tmp when it was not. */
static const struct mpf_packet *
ts_clamped(const struct mpf_packet *pkt, struct mpf_packet *tmp)
{
	int64_t ns;

	if (pkt->ts_sec <= TS_SEC_SAFE && pkt->ts_sec >= -TS_SEC_SAFE)
		return pkt;
	ns = pkt->ts_sec > 0 ? TS_SEC_SAFE * 1000000000 + 999999999
			     : -TS_SEC_SAFE * 1000000000;
	*tmp = *pkt;
	tmp->ts_sec = ns / 1000000000;
	tmp->ts_nsec = (uint32_t)(ns - tmp->ts_sec * 1000000000);
	return tmp;
}

int
mpf_ctx_feed(struct mpf_ctx *ctx, const struct mpf_packet *pkt,
	     const struct mpf_frame **result)
{
	struct mpf_frame *rec;
	const struct mpf_frame *stored = NULL;
	struct mpf_packet tmp;
	struct mpf_pkt dec;
	int st;

	if (result)
		*result = NULL;
	if (!ctx || !pkt || (!pkt->data && pkt->caplen > 0))
		return MPF_ERR_INVALID;
	if (ctx->imported || ctx->finished || ctx->busy)
		return MPF_ERR_BUSY;
	if (ctx->fed && pkt->number <= ctx->last_number)
		return MPF_ERR_ORDER;
	if (!ctx->fed)
		ctx->first_number = pkt->number;
	pkt = ts_clamped(pkt, &tmp);
	ctx->fed = true;
	ctx->last_number = pkt->number;

	rec = &ctx->scratch;
	memset(rec, 0, sizeof(*rec));
	rec->number = pkt->number;
	rec->node = rec->flow = MPF_ID_NONE;
	ctx->counters[MPF_COUNTER_FRAMES]++;

	st = mpf__decode(pkt, &dec);
	if (ctx->first_number == pkt->number)
		ctx->first_ts = dec.ts_ns;
	ctx->last_ts = dec.ts_ns;
	if (dec.ts_ns > ctx->now_ns)
		ctx->now_ns = dec.ts_ns; /* capture time never goes back */
	if (ctx->config.streaming && ctx->now_ns > ctx->deadline)
		mpf__stream_before(ctx);
	/* the transport payload, which the backend of the frame may give
	 * another meaning (SCTP: the packet; LISP data: the inner packet) */
	rec->payload_len = dec.payload_len;
	if (dec.ip_version == 0 && st >= 0)
		ctx->counters[MPF_COUNTER_NOT_IP]++;
	else if (st != MPF_ERR_UNSUPPORTED && !dec.fragment)
		st = mpf__status_worst(st, dispatch(ctx, &dec, rec));
	rec->status = (int8_t)st;
	count_status(ctx, st);
	/* the frame's node may answer otherwise now (the backends count
	 * some frames on it directly) */
	if (rec->node != MPF_ID_NONE)
		mpf__settle_touch_id(ctx, rec->node);
	if (ctx->config.streaming)
		mpf__stream_after(ctx, rec->node == MPF_ID_NONE
					       ? NULL
					       : mpf__node_live(ctx, rec->node));
	if (rec->node != MPF_ID_NONE)
		ctx->counters[MPF_COUNTER_ANALYSED]++;
	else if (rec->protocol != MPF_PROTO_NONE)
		ctx->counters[MPF_COUNTER_UNMATCHED]++;
	if (ctx->seglog)
		mpf__seglog_add(ctx, &dec, rec);
	if (ctx->store) {
		struct mpf_node *n = rec->node == MPF_ID_NONE
					     ? NULL
					     : mpf__ids_get(&ctx->nodes, rec->node);

		if (n) /* its frame may have changed what it settles
			* (touched above) */
			n->unsettled_at = 0;
		stored = mpf__store_add(ctx->store, rec);
		/* a node's frame list grows with the capture: not when
		 * streaming (mpf_node_foreach_frame() says so) */
		if (rec->node != MPF_ID_NONE && !ctx->config.streaming)
			frame_to_node(ctx, rec);
	}
	if (result)
		*result = stored ? stored : rec;
	return MPF_OK;
}

int
mpf_ctx_finish(struct mpf_ctx *ctx)
{
	if (!ctx)
		return MPF_ERR_INVALID;
	if (ctx->finished || ctx->busy)
		return MPF_ERR_BUSY;
	ctx->finished = true;
	mpf__stream_finish(ctx);
	return MPF_OK;
}

int
mpf__copy_out(void *dst, size_t size, const void *src, size_t n)
{
	if (!dst || size == 0)
		return MPF_ERR_INVALID;
	memset(dst, 0, size);
	memcpy(dst, src, size < n ? size : n);
	return MPF_OK;
}

struct mpf_frame *
mpf__frame_at(struct mpf_ctx *ctx, uint32_t number)
{
	return ctx ? mpf__store_edit(ctx->store, number) : NULL;
}

const struct mpf_frame *
mpf_ctx_get_frame(const struct mpf_ctx *ctx, uint32_t number)
{
	return ctx ? mpf__store_find(ctx->store, number) : NULL;
}

void
mpf_ctx_release_frames(struct mpf_ctx *ctx, uint32_t before)
{
	if (!ctx || ctx->busy)
		return;
	mpf__store_release(ctx->store, before);
}

uint64_t
mpf_ctx_get_counter(const struct mpf_ctx *ctx, enum mpf_counter counter)
{
	if (!ctx || (unsigned)counter >= MPF_COUNTER_COUNT)
		return 0;
	return ctx->counters[counter];
}

/* --------------------------------------------------------------- frame */

/*
 * The getters that read one field of a frame (a frame may be stored
 * compact: mpf__frame_field() reads any form): the field, or @none for
 * NULL.
 */
#define FRAME_GETTERS(X)                                                     \
	X(number, uint32_t, NUMBER, 0)                                       \
	X(status, int, STATUS, MPF_ERR_INVALID)                              \
	X(protocol, enum mpf_protocol, PROTOCOL, MPF_PROTO_NONE)             \
	X(node_id, uint32_t, NODE, MPF_ID_NONE)                              \
	X(flow_id, uint32_t, FLOW, MPF_ID_NONE)                              \
	X(direction, enum mpf_side, DIR, MPF_SIDE_CLIENT)                    \
	X(payload_length, uint32_t, PAYLOAD_LEN, 0)

#define FRAME_GETTER(name, type, field, none)                                \
	type mpf_frame_get_##name(const struct mpf_frame *frame)             \
	{                                                                    \
		return frame ? (type)mpf__frame_field(frame,                 \
						      MPF_FIELD_##field)     \
			     : none;                                         \
	}
FRAME_GETTERS(FRAME_GETTER)
#undef FRAME_GETTER
