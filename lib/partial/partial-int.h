/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: partial results: a context's graph as bytes, read back, and
 * the partials of consecutive parts of a capture merged into the whole
 * (their private header)
 *
 * A partial is a 24-byte header and a GVariant (GLib's typed
 * serialization, little-endian whatever the host):
 *
 *   0  "mpflowP\0"   magic
 *   8  u32 LE        format version (PARTIAL_VERSION)
 *  12  u32 LE        flags, 0
 *  16  u64 LE        length of the GVariant that follows
 *  24  TOP_T         the span fed, the counters, the nodes with their
 *                    flows, each backend's state (see the types below)
 *
 * Each node and flow carries the core's part (ids, frames, times, counts)
 * and its backend's (a variant of the backend's own type). Their
 * fixed-size parts are packed (mpf__pack_*: one allocation a tuple or an
 * array, laid out as GVariant lays them) and read back with a
 * bounds-checked cursor (mpf__unpack_*) once GLib has checked the whole
 * GVariant for normal form; the type strings are the format. Reading
 * validates like packet parsing: a header that does not match is
 * MPF_ERR_PARTIAL, a length past the bytes given MPF_ERR_TRUNCATED,
 * anything else that no analysis writes (not GVariant's normal form, a
 * wrong type, an out-of-range value, counts that do not add up)
 * MPF_ERR_MALFORMED; the context being built is then freed.
 *
 * The merge folds each part into the accumulated context of the parts
 * before it: counters add up, then each backend ties what the later part
 * could not (partial_residue), joins its nodes to the ones they continue
 * (partial_join), and the nodes that continue nothing move over with new
 * ids, in the order they appeared.
 *
 * One file per concern, each saying what it owns: pack.c (the packing
 * and the bounds-checked unpacking of fixed-size parts), traffic.c (the
 * frames, times and counts of a flow or node: added up, packed, read
 * back), export.c, import.c, merge.c. This header holds the format they
 * share: the header's fields and the type strings.
 */
#ifndef MPF_PARTIAL_INT_H
#define MPF_PARTIAL_INT_H

#include <string.h>

#include "mpf-private.h"

/* Our type strings are constants that the tests load back: used as
 * GVariantTypes directly (which is what they are), not checked again at
 * each use as G_VARIANT_TYPE() would. */
#define TYPE(s) ((const GVariantType *)(s))

#define PARTIAL_MAGIC "mpflowP"  /* and its NUL: 8 bytes */
#define PARTIAL_VERSION 1u
#define PARTIAL_HEAD 24
#define PARTIAL_MAX ((uint64_t)1 << 34) /* 16 GiB: no real one comes near */
/* ids beyond the objects held: the gaps of nodes and flows merged into
 * others, which are not exported (bounded, so a hostile count cannot
 * allocate more than a few times the input) */
#define ID_SLACK 64

/* A flow: its id, ends, frames, times, packets, bytes and payload each
 * way; then its backend's part. A node: protocol, id, frames, times,
 * packets, bytes; its flows; its backend's part. */
#define FLOW_CORE_T "(u" MPF_ENDPOINT_T MPF_ENDPOINT_T MPF_TRAFFIC_T ")"
#define FLOW_T "(" FLOW_CORE_T "v)"
#define NODE_CORE_T "(yuuuxxtt)"
#define NODE_T "(" NODE_CORE_T "a" FLOW_T "v)"
/* first and last frame fed, node and flow id counts, first and last time
 * stamp; the counters; the nodes; each backend's state by protocol */
#define SPAN_T "(uuuuxx)"
#define TOP_T "(" SPAN_T "ata" NODE_T "a(yv))"

/* traffic.c: whether @t0 and @t1 are times a capture can give. */
bool mpf__partial_times_ok(int64_t t0, int64_t t1);

/* traffic.c: widens the span [*f0, *f1] (times *t0, *t1) to take in
 * frames [g0, g1] (times u0, u1); g0 == 0 is no frame. */
void mpf__partial_span_fold(uint32_t *f0, uint32_t *f1, int64_t *t0,
			    int64_t *t1, uint32_t g0, uint32_t g1, int64_t u0,
			    int64_t u1);

/* The same for the span of @from into @to's (a traffic, a node or a
 * flow: their spans have the same fields). */
#define SPAN_FOLD(to, from)                                                  \
	mpf__partial_span_fold(&(to)->first_frame, &(to)->last_frame,        \
			       &(to)->first_ts, &(to)->last_ts,              \
			       (from)->first_frame, (from)->last_frame,      \
			       (from)->first_ts, (from)->last_ts)

/* traffic.c: the traffic of flow @f, its frames, times and counts. */
void mpf__partial_flow_traffic(const struct mpf_flow *f,
			       struct mpf_traffic *t);

/* traffic.c: reads a traffic (MPF_TRAFFIC_T) from @u, unchecked: the
 * caller checks it as its own reading requires. */
void mpf__partial_traffic_read(struct mpf_unpack *u, struct mpf_traffic *t);

/* import.c: the context of the partial @data (*@out NULL on error). */
int mpf__partial_load(const void *data, size_t len, struct mpf_ctx **out);

#endif /* MPF_PARTIAL_INT_H */
