/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: `mpflow frames`: one row per frame, in the one pass that
 * analyses the capture
 *
 * A frame's row is printed once its result is final: the library says
 * which frames a later one may still change (mpf_ctx_get_first_unsettled:
 * a reinjection links back to the frame it repeats, a merge renumbers a
 * node's frames), and the rows below are printed and their results
 * released, so that memory holds the unsettled window, not the capture.
 * With --stream the window is bounded too (--hold rows): an older row is
 * printed as it stands, and a link a later frame would add to it is lost.
 *
 * One table of columns serves CSV and JSON, and the text layout reads the
 * same cells. Rows are formatted by hand into one buffer (no printf per
 * field) and written in large blocks, or after each batch of rows when
 * the output is line-buffered.
 */
#include <string.h>

#include <glib.h>

#include "report.h"

#define OUT_SIZE (64u << 10)
/* frames between two questions to the library (a walk of the nodes) */
#define SETTLE_STEP 4096u

/* ------------------------------------------------------------ cells */

enum kind {
	K_NUM,    /* a number, always there */
	K_OPT,    /* a number, or empty (CSV) / null (JSON) */
	K_TIME,   /* seconds.nanoseconds */
	K_NAME,   /* a word, or empty / null */
	K_STATUS, /* a word, always there */
	K_HEX,    /* hex digits, or empty / null; a JSON string */
	K_LIST,   /* names: a|b (CSV), ["a", "b"] (JSON) */
};

enum col {
	C_FRAME, C_TIME, C_PROTOCOL, C_NODE, C_FLOW, C_DIRECTION, C_STATUS,
	C_LEN, C_DSN, C_DACK, C_MAPPING, C_OPTIONS, C_FLAGS, C_REINJ_OF,
	C_REINJ_IN, C_TSN, C_CUM, C_IID, C_NONCE, C_REQUEST, C_COUNT
};

/* The CSV and JSON columns, in order: names are a contract (see the man
 * page), added to, never renamed. */
static const struct column {
	const char *name;
	enum kind kind;
} columns[C_COUNT] = {
	[C_FRAME] = { "frame", K_NUM },
	[C_TIME] = { "time", K_TIME },
	[C_PROTOCOL] = { "protocol", K_NAME },
	[C_NODE] = { "node", K_OPT },
	[C_FLOW] = { "flow", K_OPT },
	[C_DIRECTION] = { "direction", K_NAME },
	[C_STATUS] = { "status", K_STATUS },
	[C_LEN] = { "len", K_NUM },
	[C_DSN] = { "dsn", K_OPT },
	[C_DACK] = { "dack", K_OPT },
	[C_MAPPING] = { "mapping_frame", K_OPT },
	[C_OPTIONS] = { "options", K_LIST },
	[C_FLAGS] = { "flags", K_LIST },
	[C_REINJ_OF] = { "reinjection_of", K_OPT },
	[C_REINJ_IN] = { "reinjected_in", K_OPT },
	[C_TSN] = { "tsn", K_OPT },
	[C_CUM] = { "cum_tsn_ack", K_OPT },
	[C_IID] = { "iid", K_OPT },
	[C_NONCE] = { "nonce", K_HEX },
	[C_REQUEST] = { "request_frame", K_OPT },
};

struct cell {
	bool has;
	uint64_t v;    /* numbers, list bits */
	const char *s; /* names */
};

/* One frame's values, each read once from the library. */
struct row {
	struct cell c[C_COUNT];
	enum mpf_protocol proto;
	uint32_t nsec; /* of C_TIME, whose v is the (signed) seconds */
};

static inline void
set(struct cell *c, bool has, uint64_t v)
{
	c->has = has;
	c->v = v;
}

/* The getters: the only place that reads a frame. */
static void
fill_row(struct row *r, const struct mpf_frame *f, int64_t sec, uint32_t nsec)
{
	enum mpf_protocol proto = mpf_frame_get_protocol(f);
	uint32_t node = mpf_frame_get_node_id(f), flow = mpf_frame_get_flow_id(f);
	int st = mpf_frame_get_status(f);
	uint32_t w = 0;
	bool has;

	memset(r, 0, sizeof(*r));
	r->proto = proto;
	set(&r->c[C_FRAME], true, mpf_frame_get_number(f));
	set(&r->c[C_TIME], true, (uint64_t)sec);
	r->nsec = nsec;
	if (proto != MPF_PROTO_NONE) {
		r->c[C_PROTOCOL].s = mpf_protocol_to_string(proto);
		r->c[C_DIRECTION].s = mpf_frame_get_direction(f) ==
						      MPF_SIDE_CLIENT
					      ? "c2s"
					      : "s2c";
	}
	set(&r->c[C_NODE], node != MPF_ID_NONE, node);
	set(&r->c[C_FLOW], flow != MPF_ID_NONE, flow);
	r->c[C_STATUS].s = st == MPF_OK ? "ok" : mpf_status_name(st);
	set(&r->c[C_LEN], true, mpf_frame_get_payload_length(f));
	/* each protocol's getters say nothing of another's frames */
	switch (proto) {
	case MPF_PROTO_MPTCP:
		r->c[C_DSN].has = mpf_frame_get_mptcp_dsn(f, &r->c[C_DSN].v);
		r->c[C_DACK].has = mpf_frame_get_mptcp_dack(f, &r->c[C_DACK].v);
		w = mpf_frame_get_mptcp_mapping_frame(f);
		set(&r->c[C_MAPPING], w != 0, w);
		w = mpf_frame_get_mptcp_reinjection_of(f);
		set(&r->c[C_REINJ_OF], w != 0, w);
		w = mpf_frame_get_mptcp_reinjected_in(f);
		set(&r->c[C_REINJ_IN], w != 0, w);
		r->c[C_OPTIONS].v = mpf_frame_get_mptcp_options(f);
		r->c[C_FLAGS].v = mpf_frame_get_mptcp_flags(f);
		break;
	case MPF_PROTO_SCTP:
		has = mpf_frame_get_sctp_tsn(f, &w);
		set(&r->c[C_TSN], has, w);
		has = mpf_frame_get_sctp_cum_ack(f, &w);
		set(&r->c[C_CUM], has, w);
		r->c[C_OPTIONS].v = mpf_frame_get_sctp_chunks(f);
		r->c[C_FLAGS].v = mpf_frame_get_sctp_flags(f);
		break;
	case MPF_PROTO_LISP:
		has = mpf_frame_get_lisp_iid(f, &w);
		set(&r->c[C_IID], has, w);
		r->c[C_NONCE].has = mpf_frame_get_lisp_nonce(f, &r->c[C_NONCE].v);
		w = mpf_frame_get_lisp_request_frame(f);
		set(&r->c[C_REQUEST], w != 0, w);
		/* the message type, as a list of one */
		r->c[C_OPTIONS].v = (uint64_t)(int64_t)mpf_frame_get_lisp_type(f);
		r->c[C_FLAGS].v = mpf_frame_get_lisp_flags(f);
		break;
	default:
		break;
	}
}

/* ----------------------------------------------------------- output */

/* A row is written through a cursor into the buffer, which has room for
 * ROW_MAX bytes when the row starts: 20 cells, two lists of at most 32
 * names of a few dozen bytes. A list that would pass it is cut (never
 * seen: the names are short). */
#define ROW_MAX 8192u

struct cur {
	char *p, *end;
	struct time_text *t; /* the writer's */
};

static void
out_flush(struct frames_writer *w)
{
	if (w->len)
		fwrite(w->buf, 1, w->len, w->out);
	w->len = 0;
}

/* A cursor with room for a row. */
static inline struct cur
row_start(struct frames_writer *w)
{
	struct cur c;

	if (w->len + ROW_MAX > OUT_SIZE)
		out_flush(w);
	c.p = w->buf + w->len;
	c.end = c.p + ROW_MAX;
	c.t = &w->time;
	return c;
}

static inline void
row_done(struct frames_writer *w, const struct cur *c)
{
	w->len = (size_t)(c->p - w->buf);
}

/* @n bytes of @s, cut at the row's room; a constant @n compiles to a
 * store or two. */
static inline void
cat_n(struct cur *c, const char *s, size_t n)
{
	size_t room = (size_t)(c->end - c->p);

	if (n > room)
		n = room;
	memcpy(c->p, s, n);
	c->p += n;
}

static inline void
cat(struct cur *c, const char *s)
{
	cat_n(c, s, strlen(s));
}

static const char digits2[] =
	"00010203040506070809101112131415161718192021222324252627282930313233"
	"34353637383940414243444546474849505152535455565758596061626364656667"
	"68697071727374757677787980818283848586878889909192939495969798"
	"99";

/* The decimal digits of @v, ending at @end; returns where they start. */
static inline char *
dec(char *end, uint64_t v)
{
	while (v >= 100) {
		unsigned k = (unsigned)(v % 100) * 2;

		v /= 100;
		*--end = digits2[k + 1];
		*--end = digits2[k];
	}
	if (v >= 10) {
		*--end = digits2[v * 2 + 1];
		*--end = digits2[v * 2];
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

/* 10^i: tens[n] is the least number of n + 1 digits */
static const uint64_t tens[20] = {
	1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
	10000000ull, 100000000ull, 1000000000ull, 10000000000ull,
	100000000000ull, 1000000000000ull, 10000000000000ull,
	100000000000000ull, 1000000000000000ull, 10000000000000000ull,
	100000000000000000ull, 1000000000000000000ull,
	10000000000000000000ull,
};

/* @v in decimal, written in place (no copy): most cells are numbers. */
static inline void
cat_u64(struct cur *c, uint64_t v)
{
	/* digits: log10 from the bit length (1233 / 4096 ~ log10 2), then
	 * one comparison */
	unsigned t = ((64u - (unsigned)__builtin_clzll(v | 1)) * 1233u) >> 12;
	unsigned n = t + 1 - (v < tens[t]) + (v == 0);

	if ((size_t)(c->end - c->p) < n)
		return; /* no room: the cell is cut (never seen) */
	dec(c->p + n, v);
	c->p += n;
}

static void
cat_hex(struct cur *c, uint64_t v)
{
	char b[16], *s = b + sizeof(b);

	do {
		*--s = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	cat_n(c, s, (size_t)(b + sizeof(b) - s));
}

/* Nine digits of @nsec (below 10^9) ending at @end. */
static inline void
nine(char *end, uint32_t nsec)
{
	int i;

	for (i = 0; i < 4; i++) {
		unsigned k = (nsec % 100) * 2;

		nsec /= 100;
		*--end = digits2[k + 1];
		*--end = digits2[k];
	}
	*--end = (char)('0' + nsec);
}

/* @sec.@nsec, nine digits after the point. The seconds are those of the
 * row before, mostly: their digits are kept in the writer. */
static void
cat_time(struct cur *c, int64_t sec, uint32_t nsec)
{
	struct time_text *t = c->t;
	char b[48], *end = b + sizeof(b), *s, *point;

	if (t->valid && t->sec == sec && nsec < 1000000000u &&
	    (size_t)(c->end - c->p) >= t->len + 10) {
		memcpy(c->p, t->text, t->len);
		c->p += t->len;
		*c->p++ = '.';
		nine(c->p + 9, nsec);
		c->p += 9;
		return;
	}
	s = end;
	if (nsec < 1000000000u) {
		nine(end, nsec);
		s -= 9;
	} else {
		/* a file's nanoseconds may say more */
		for (; nsec; nsec /= 10)
			*--s = (char)('0' + nsec % 10);
	}
	point = --s;
	*point = '.';
	s = dec(s, sec < 0 ? 0 - (uint64_t)sec : (uint64_t)sec);
	if (sec < 0)
		*--s = '-';
	t->valid = true;
	t->sec = sec;
	t->len = (size_t)(point - s); /* at most 20 digits and a sign */
	memcpy(t->text, s, t->len);
	cat_n(c, s, (size_t)(end - s));
}

/* @s left-aligned (@left) or right-aligned in @width columns. */
static void
cat_padded(struct cur *c, const char *s, size_t n, int width, bool left)
{
	size_t pad = (size_t)width > n ? (size_t)width - n : 0;

	if (!left)
		while (pad--)
			cat_n(c, " ", 1);
	cat_n(c, s, n);
	if (left)
		while (pad--)
			cat_n(c, " ", 1);
}

/* A number cell as text, "" when absent, aligned. */
static void
cat_cell_padded(struct cur *c, const struct cell *x, int width)
{
	char b[20], *s = b + sizeof(b);

	if (x->has)
		s = dec(b + sizeof(b), x->v);
	cat_padded(c, s, (size_t)(b + sizeof(b) - s), width, false);
}

struct names {
	struct cur *c;
	const char *sep; /* NULL: JSON strings */
	bool first;
};

static void
cat_name(const char *name, void *user)
{
	struct names *n = user;

	if (!n->first)
		cat(n->c, n->sep ? n->sep : ", ");
	n->first = false;
	if (n->sep) {
		cat(n->c, name);
	} else {
		cat_n(n->c, "\"", 1);
		cat(n->c, name);
		cat_n(n->c, "\"", 1);
	}
}

/* The names of a list cell (protocol elements or flags), each protocol's
 * own. */
static void
cat_list(struct cur *c, const struct row *r, enum col col, const char *sep)
{
	struct names n = { c, sep, true };
	unsigned bits = (unsigned)r->c[col].v;
	bool flags = col == C_FLAGS;

	switch (r->proto) {
	case MPF_PROTO_MPTCP:
		report_mptcp_frame_names(bits, flags, cat_name, &n);
		break;
	case MPF_PROTO_SCTP:
		report_sctp_frame_names(bits, flags, cat_name, &n);
		break;
	case MPF_PROTO_LISP:
		report_lisp_frame_names(bits, flags, cat_name, &n);
		break;
	default:
		break;
	}
}

/* One byte, when there is room. */
static inline void
cat_ch(struct cur *c, char ch)
{
	if (c->p < c->end)
		*c->p++ = ch;
}

/* Whether cell @i has a value (CSV: else empty; JSON: else null). */
static inline bool
present(const struct row *r, int i)
{
	switch (columns[i].kind) {
	case K_NUM:
	case K_TIME:
	case K_LIST:
		return true;
	case K_NAME:
	case K_STATUS:
		return r->c[i].s != NULL;
	default:
		return r->c[i].has;
	}
}

/* Cell @i's value as it stands in a CSV cell (a list's names joined by
 * @sep; NULL: as JSON strings). */
static inline void
cat_value(struct cur *c, const struct row *r, int i, const char *sep)
{
	const struct cell *x = &r->c[i];

	switch (columns[i].kind) {
	case K_NUM:
	case K_OPT:
		cat_u64(c, x->v);
		break;
	case K_TIME:
		cat_time(c, (int64_t)x->v, r->nsec);
		break;
	case K_NAME:
	case K_STATUS:
		cat(c, x->s);
		break;
	case K_HEX:
		cat_hex(c, x->v);
		break;
	case K_LIST:
		cat_list(c, r, (enum col)i, sep);
		break;
	}
}

/* The CSV row. present() and cat_value() are inlined here, the cell kinds
 * folded into one jump table: as two calls a cell, the cells of a row
 * cost as much as analysing its frame. */
static void
cat_csv(struct cur *c, const struct row *r)
{
	int i;

	for (i = 0; i < C_COUNT; i++) {
		if (i)
			cat_ch(c, ',');
		if (present(r, i))
			cat_value(c, r, i, "|");
	}
	cat_ch(c, '\n');
}

static void
cat_json(struct cur *c, const struct row *r, bool first)
{
	int i;

	cat(c, first ? "\n  {" : ",\n  {");
	for (i = 0; i < C_COUNT; i++) {
		enum kind k = columns[i].kind;

		if (i)
			cat_n(c, ", ", 2);
		cat_n(c, "\"", 1);
		cat(c, columns[i].name);
		cat_n(c, "\": ", 3);
		if (k == K_LIST) {
			cat_n(c, "[", 1);
			cat_value(c, r, i, NULL);
			cat_n(c, "]", 1);
		} else if (!present(r, i)) {
			cat_n(c, "null", 4);
		} else if (k == K_NAME || k == K_STATUS || k == K_HEX) {
			cat_n(c, "\"", 1);
			cat_value(c, r, i, NULL);
			cat_n(c, "\"", 1);
		} else {
			cat_value(c, r, i, NULL);
		}
	}
	cat_n(c, "}", 1);
}

/* The text layout: the table's cells, some two protocols share. */
static void
cat_text(struct cur *c, struct frames_writer *w, const struct row *r)
{
	int64_t ns = (int64_t)r->c[C_TIME].v * 1000000000LL + r->nsec;
	const char *proto = r->c[C_PROTOCOL].s ? r->c[C_PROTOCOL].s : "-";
	const char *dir = r->c[C_DIRECTION].s ? r->c[C_DIRECTION].s : "";
	char tb[32];
	int n;

	if (!w->have_t0) {
		w->t0_ns = ns;
		w->have_t0 = true;
	}
	cat_cell_padded(c, &r->c[C_FRAME], 7);
	cat_n(c, "  ", 2);
	/* the relative time is a double, as it always was printed */
	n = snprintf(tb, sizeof(tb), "%11.6f", report_seconds(ns - w->t0_ns));
	cat_n(c, tb, (size_t)n);
	cat_n(c, "  ", 2);
	cat_padded(c, proto, strlen(proto), 5, true);
	cat_n(c, "  ", 2);
	cat_cell_padded(c, &r->c[C_NODE], 5);
	cat_n(c, "  ", 2);
	cat_cell_padded(c, &r->c[C_FLOW], 5);
	cat_n(c, "  ", 2);
	cat_padded(c, dir, strlen(dir), 3, true);
	cat_n(c, "  ", 2);
	cat_cell_padded(c, &r->c[C_LEN], 6);
	cat_n(c, "  ", 2);
	cat_cell_padded(c, &r->c[r->c[C_TSN].has ? C_TSN : C_DSN], 12);
	cat_n(c, "  ", 2);
	cat_cell_padded(c, &r->c[r->c[C_CUM].has ? C_CUM : C_DACK], 12);
	cat_n(c, "  ", 2);
	cat_cell_padded(c, &r->c[C_MAPPING], 7);
	cat_n(c, "  ", 2);
	cat_list(c, r, C_OPTIONS, ",");
	cat_n(c, " ", 1);
	cat_list(c, r, C_FLAGS, ",");
	if (r->c[C_REINJ_OF].has) {
		cat_n(c, " (of ", 5);
		cat_u64(c, r->c[C_REINJ_OF].v);
		cat_n(c, ")", 1);
	}
	if (strcmp(r->c[C_STATUS].s, "ok") != 0) {
		cat_n(c, " [", 2);
		cat(c, r->c[C_STATUS].s);
		cat_n(c, "]", 1);
	}
	cat_n(c, "\n", 1);
}

void
report_frames_begin(struct frames_writer *w, const char *path)
{
	struct cur c;
	char *q;
	int i;

	w->rows = 0;
	w->time.valid = false;
	w->have_t0 = false;
	w->len = 0;
	w->buf = g_malloc(OUT_SIZE);
	switch (w->fmt) {
	case REPORT_CSV:
		c = row_start(w);
		for (i = 0; i < C_COUNT; i++) {
			if (i)
				cat_n(&c, ",", 1);
			cat(&c, columns[i].name);
		}
		cat_n(&c, "\n", 1);
		row_done(w, &c);
		break;
	case REPORT_JSON:
		out_flush(w);
		q = mpf_json_string(path); /* any length */
		fputs("{\"capture\": ", w->out);
		fputs(q, w->out);
		fputs(", \"frames\": [", w->out);
		mpf_free(q);
		break;
	default:
		fprintf(w->out,
			"%7s  %11s  %-5s  %5s  %5s  %-3s  %6s  %12s  %12s  %7s  %s\n",
			"frame", "time", "proto", "node", "flow", "dir", "len",
			"dsn/tsn", "dack/cumack", "mapping", "elements / notes");
		break;
	}
}

void
report_frames_row(struct frames_writer *w, const struct mpf_frame *f,
		  int64_t ts_sec, uint32_t ts_nsec)
{
	struct cur c = row_start(w);
	struct row r;

	fill_row(&r, f, ts_sec, ts_nsec);
	switch (w->fmt) {
	case REPORT_CSV:
		cat_csv(&c, &r);
		break;
	case REPORT_JSON:
		cat_json(&c, &r, w->rows == 0);
		break;
	default:
		cat_text(&c, w, &r);
		break;
	}
	row_done(w, &c);
	w->rows++;
}

void
report_frames_flush(struct frames_writer *w)
{
	out_flush(w);
	if (w->line)
		fflush(w->out);
}

void
report_frames_end(struct frames_writer *w)
{
	out_flush(w);
	if (w->fmt == REPORT_JSON)
		fputs(w->rows ? "\n]}\n" : "]}\n", w->out);
	g_free(w->buf);
	w->buf = NULL;
}

/* ------------------------------------------------- the one pass */

/* A frame fed whose row waits: its number and time stamp. */
struct stamp {
	uint32_t number;
	uint32_t nsec;
	int64_t sec;
};

struct frames_pass {
	struct frames_writer *w;
	bool all;      /* --all: frames without a node too */
	bool bounded;  /* --stream: @hold rows at most (16 bytes of time
			* stamp and 32 of result each) */
	uint32_t hold;
	struct stamp *wait; /* from index head to len; cap allocated (a
			     * GArray append cost a tenth of a row) */
	guint head, len, cap;
	uint32_t since; /* frames fed since the library was last asked */
	uint32_t step;
};

struct frames_pass *
frames_pass_new(struct frames_writer *w, bool all, bool bounded,
		uint32_t hold)
{
	struct frames_pass *p = g_new0(struct frames_pass, 1);

	p->w = w;
	p->all = all;
	p->bounded = bounded;
	p->hold = hold;
	/* a line-buffered output wants each row as soon as it is final */
	p->step = w->line ? 1 : SETTLE_STEP;
	return p;
}

/* Prints the waiting rows of frames below @upto, and lets their results
 * go. */
static void
print_below(struct frames_pass *p, struct mpf_ctx *ctx, uint32_t upto)
{
	const struct stamp *v = p->wait;
	guint n = p->len, h = p->head;

	for (; h < n && v[h].number < upto; h++) {
		const struct mpf_frame *f = mpf_ctx_get_frame(ctx, v[h].number);

		if (f && (p->all || mpf_frame_get_node_id(f) != MPF_ID_NONE))
			report_frames_row(p->w, f, v[h].sec, v[h].nsec);
	}
	if (h == p->head)
		return;
	p->head = h;
	mpf_ctx_release_frames(ctx, upto);
	if (p->head >= 4096 && p->head * 2 >= n) {
		p->len -= p->head;
		memmove(p->wait, p->wait + p->head, p->len * sizeof(*p->wait));
		p->head = 0;
	}
	if (p->w->line)
		report_frames_flush(p->w);
}

void
frames_pass_fed(struct frames_pass *p, struct mpf_ctx *ctx, uint32_t number,
		int64_t ts_sec, uint32_t ts_nsec)
{
	struct stamp s = { number, ts_nsec, ts_sec };
	uint32_t step = p->step;

	if (p->len == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		p->wait = g_renew(struct stamp, p->wait, p->cap);
	}
	p->wait[p->len++] = s;
	/* not more often than a fraction of the nodes: asking walked them
	 * all once; kept, since under a bounded hold when the rows are
	 * asked for decides which go before they settle */
	if (!p->w->line && mpf_ctx_get_node_count(ctx) / 8 > step)
		step = mpf_ctx_get_node_count(ctx) / 8;
	if (++p->since >= step) {
		p->since = 0;
		print_below(p, ctx, mpf_ctx_get_first_unsettled(ctx));
	}
	if (p->bounded && p->len - p->head > p->hold) {
		/* the oldest rows go as they stand, an eighth of the hold at
		 * once */
		guint k = p->len - p->hold + p->hold / 8;

		print_below(p, ctx, k >= p->len ? number + 1 : p->wait[k].number);
	}
}

void
frames_pass_free(struct frames_pass *p, struct mpf_ctx *ctx)
{
	if (!p)
		return;
	print_below(p, ctx, UINT32_MAX);
	g_free(p->wait);
	g_free(p);
}
