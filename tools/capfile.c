/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: pcap and pcapng files read block by block (see capfile.h)
 *
 * specification: pcap, draft-ietf-opsawg-pcap; pcapng,
 * draft-ietf-opsawg-pcapng (Section Header 0x0A0D0D0A, Interface
 * Description 1, Packet 2 (obsolete), Simple Packet 3, Enhanced Packet 6)
 *
 * Every multi-byte field is read with get16/get32/get64 in the byte order
 * of the file or section, from a buffer whose length was checked first:
 * a block's fields are read only after the whole block is in memory and
 * its length has been checked against what each field needs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "capfile.h"

#define MAX_BLOCK (16u << 20)     /* bytes: a larger pcapng block is refused */
#define READ_BLOCK (1u << 20)     /* bytes read ahead at once from a file */
#define PCAP_MAX_CAPLEN 262144u   /* libpcap's limit on a pcap record */
#define MAX_IFACES (1u << 20)     /* per section */
#define MAX_SEC (INT64_MAX / 1000000000 - 1) /* ns in int64, with room */

enum {
	BT_SHB = 0x0A0D0D0A,
	BT_IDB = 1,
	BT_OPB = 2, /* obsolete Packet Block */
	BT_SPB = 3,
	BT_EPB = 6,
};

enum {
	OPT_ENDOFOPT = 0,
	OPT_IF_TSRESOL = 9,
	OPT_IF_TSOFFSET = 14,
};

struct iface {
	int linktype;
	uint32_t snaplen; /* 0: none */
	uint8_t tsresol;  /* if_tsresol; 6 (microseconds) by default */
	int64_t offset;   /* if_tsoffset, seconds */
};

struct capfile {
	FILE *fp;
	bool ng;
	bool big;          /* the file's (section's) byte order */
	/* pcap */
	bool nsec;         /* nanosecond magic */
	bool modified;     /* Kuznetzov: 8 more bytes a record header */
	uint8_t swapped;   /* lengths of old writers: 0 no, 1 yes, 2 maybe */
	uint32_t snaplen;
	int linktype;
	/* pcapng */
	GArray *ifaces;    /* struct iface of the current section */
	int64_t last_sec;  /* the section's latest time stamp, for SPBs */
	uint32_t last_nsec;
	uint8_t *buf;      /* the current block or record, inside win */
	uint8_t *win;      /* bytes read ahead from fp, in large blocks */
	size_t cap;        /* of win */
	size_t rec;        /* where buf starts in win */
	size_t pos;        /* the next unconsumed byte in win */
	size_t end;        /* the end of the bytes read into win */
	bool regular;      /* fp is a regular file: read ahead freely */
	uint64_t offset;
	int status;        /* sticky once negative */
	char err[200];
};

/* ------------------------------------------------------------ helpers */

static uint16_t
get16(const struct capfile *cf, const uint8_t *p)
{
	return cf->big ? (uint16_t)(p[0] << 8 | p[1])
		       : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t
get32(const struct capfile *cf, const uint8_t *p)
{
	return cf->big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
				 (uint32_t)p[2] << 8 | p[3]
		       : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
				 (uint32_t)p[1] << 8 | p[0];
}

static uint64_t
get64(const struct capfile *cf, const uint8_t *p)
{
	uint64_t a = get32(cf, p), b = get32(cf, p + 4);

	return cf->big ? a << 32 | b : b << 32 | a;
}

static int fail(struct capfile *cf, int status, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

/* Records the error (the first one stays) and returns @status. */
static int
fail(struct capfile *cf, int status, const char *fmt, ...)
{
	va_list ap;

	if (cf->status < 0)
		return cf->status;
	va_start(ap, fmt);
	g_vsnprintf(cf->err, sizeof(cf->err), fmt, ap);
	va_end(ap);
	cf->status = status;
	return status;
}

/*
 * Reads ahead into cf->win until @need bytes from cf->rec are there, or
 * the file ends. A regular file is read in blocks of READ_BLOCK (one copy
 * per block instead of one fread per record header and body); a pipe only
 * up to @need, so that a live writer's records are seen as they come.
 * Returns: 0, or -1 on a read error (recorded).
 */
static int
fill(struct capfile *cf, size_t need)
{
	while (cf->end - cf->rec < need) {
		size_t want, got;

		if (cf->rec + need > cf->cap) {
			/* keep the current record, drop what is consumed */
			if (cf->rec)
				memmove(cf->win, cf->win + cf->rec,
					cf->end - cf->rec);
			cf->end -= cf->rec;
			cf->pos -= cf->rec;
			cf->rec = 0;
			if (need > cf->cap) {
				cf->cap = MAX(need, (size_t)READ_BLOCK);
				cf->win = g_realloc(cf->win, cf->cap);
			}
		}
		want = cf->regular ? cf->cap - cf->end
				   : cf->rec + need - cf->end;
		/* one reader per file: no lock per read */
#ifdef __GLIBC__
		got = fread_unlocked(cf->win + cf->end, 1, want, cf->fp);
#else
		got = fread(cf->win + cf->end, 1, want, cf->fp);
#endif
		cf->end += got;
		if (got < want) {
			if (ferror(cf->fp)) {
				fail(cf, CAPFILE_IO, "read error: %s",
				     g_strerror(errno ? errno : EIO));
				return -1;
			}
			return 0; /* the end of the file */
		}
	}
	return 0;
}

/*
 * Reads @n bytes to cf->buf + @at, where @at is 0 (a new record) or the
 * count of the record's bytes read so far. cf->buf points into the
 * read-ahead window and stays valid until the next call. Returns: @n;
 * fewer at the end of the file (the count read); -1 on a read error.
 */
static inline ssize_t
get(struct capfile *cf, size_t at, size_t n)
{
	size_t got;

	if (at == 0)
		cf->rec = cf->pos;
	/* inline: twice a record, and nearly always in the window */
	if (cf->end - cf->rec < at + n && fill(cf, at + n) < 0)
		return -1;
	cf->buf = cf->win + cf->rec;
	got = MIN(n, cf->end - cf->pos);
	cf->pos += got;
	cf->offset += got;
	return (ssize_t)got;
}

/* Seconds and nanoseconds from a count of 2^-@exp second units. */
static void
ts_binary(uint64_t ts, unsigned exp, uint64_t *sec, uint64_t *ns)
{
	unsigned __int128 frac;

	if (exp >= 64) {
		*sec = 0;
		frac = ts;
	} else {
		*sec = ts >> exp;
		frac = exp ? ts & ((UINT64_C(1) << exp) - 1) : 0;
	}
	*ns = (uint64_t)((frac * 1000000000u) >> exp);
}

/* Seconds and nanoseconds from a count of 10^-@exp second units. */
static void
ts_decimal(uint64_t ts, unsigned exp, uint64_t *sec, uint64_t *ns)
{
	uint64_t unit = 1;
	unsigned i;

	/* the usual resolutions, divided by constants (a multiply) */
	if (exp == 6) {
		*sec = ts / 1000000u;
		*ns = ts % 1000000u * 1000u;
		return;
	}
	if (exp == 9) {
		*sec = ts / 1000000000u;
		*ns = ts % 1000000000u;
		return;
	}
	if (exp > 19) {
		/* 10^exp > 2^64 > ts: under a second; ns = ts / 10^(exp-9) */
		*sec = 0;
		for (i = 9; i < exp && unit <= UINT64_MAX / 10; i++)
			unit *= 10;
		*ns = i < exp ? 0 : ts / unit;
		return;
	}
	for (i = 0; i < exp; i++)
		unit *= 10;
	*sec = ts / unit;
	*ns = (uint64_t)((unsigned __int128)(ts % unit) * 1000000000u / unit);
}

void
capfile_ts_convert(uint64_t ts, uint8_t tsresol, int64_t offset,
		   int64_t *sec, uint32_t *nsec)
{
	uint64_t s, ns;
	int64_t v;

	if (tsresol & 0x80)
		ts_binary(ts, tsresol & 0x7f, &s, &ns);
	else
		ts_decimal(ts, tsresol, &s, &ns);
	/* s + offset, saturating, then into what int64 ns can hold */
	if (s > (uint64_t)MAX_SEC) {
		v = MAX_SEC;
		ns = 999999999;
	} else {
		v = (int64_t)s;
	}
	if (offset > MAX_SEC)
		offset = MAX_SEC;
	else if (offset < -MAX_SEC)
		offset = -MAX_SEC;
	v += offset; /* both within +-MAX_SEC: no overflow */
	if (v > MAX_SEC) {
		v = MAX_SEC;
		ns = 999999999;
	} else if (v < -MAX_SEC) {
		v = -MAX_SEC;
		ns = 0;
	}
	*sec = v;
	*nsec = (uint32_t)ns;
}

/* ----------------------------------------------------------------- pcap */

/* The pcap file header whose magic is at cf->buf. Returns: 1, 0 when
 * the magic is not pcap's, or a negative status. */
static int
pcap_open(struct capfile *cf)
{
	static const struct {
		uint8_t m[4];
		bool big, nsec, modified;
	} magics[] = {
		{ { 0xa1, 0xb2, 0xc3, 0xd4 }, true, false, false },
		{ { 0xd4, 0xc3, 0xb2, 0xa1 }, false, false, false },
		{ { 0xa1, 0xb2, 0x3c, 0x4d }, true, true, false },
		{ { 0x4d, 0x3c, 0xb2, 0xa1 }, false, true, false },
		{ { 0xa1, 0xb2, 0xcd, 0x34 }, true, false, true },
		{ { 0x34, 0xcd, 0xb2, 0xa1 }, false, false, true },
	};
	const uint8_t *h;
	uint16_t major, minor;
	size_t i;
	ssize_t got;

	for (i = 0; i < G_N_ELEMENTS(magics); i++)
		if (memcmp(cf->buf, magics[i].m, 4) == 0)
			break;
	if (i == G_N_ELEMENTS(magics))
		return 0;
	cf->big = magics[i].big;
	cf->nsec = magics[i].nsec;
	cf->modified = magics[i].modified;
	got = get(cf, 4, 20);
	if (got < 0)
		return -1;
	if (got < 20)
		return fail(cf, CAPFILE_TRUNCATED,
			    "truncated pcap file header (%zd of 24 bytes)",
			    got + 4);
	h = cf->buf;
	major = get16(cf, h + 4);
	minor = get16(cf, h + 6);
	if (major != 2 && major != 543)
		return fail(cf, CAPFILE_MALFORMED,
			    "unsupported pcap version %u.%u", major, minor);
	/* writers before 2.3 put the wire length first; 2.3 may have */
	cf->swapped = major == 543 || minor < 3 ? 1 : minor == 3 ? 2 : 0;
	cf->snaplen = get32(cf, h + 16);
	if (cf->snaplen == 0 || cf->snaplen > PCAP_MAX_CAPLEN)
		cf->snaplen = PCAP_MAX_CAPLEN;
	cf->linktype = (int)(get32(cf, h + 20) & 0xffff);
	return 1;
}

static int
pcap_next(struct capfile *cf, struct capfile_frame *f)
{
	size_t hlen = cf->modified ? 24 : 16;
	uint32_t caplen, wirelen, sub;
	uint64_t sec;
	ssize_t got = get(cf, 0, hlen);

	if (got < 0)
		return cf->status;
	if (got == 0)
		return CAPFILE_END;
	if ((size_t)got < hlen)
		return fail(cf, CAPFILE_TRUNCATED,
			    "truncated: the file ends inside a record header");
	sec = get32(cf, cf->buf);
	sub = get32(cf, cf->buf + 4);
	caplen = get32(cf, cf->buf + 8);
	wirelen = get32(cf, cf->buf + 12);
	if (cf->swapped == 1 || (cf->swapped == 2 && caplen > wirelen)) {
		uint32_t t = caplen;

		caplen = wirelen;
		wirelen = t;
	}
	if (caplen > PCAP_MAX_CAPLEN)
		return fail(cf, CAPFILE_MALFORMED,
			    "malformed: a record of %u captured bytes, more "
			    "than %u", caplen, PCAP_MAX_CAPLEN);
	got = get(cf, 0, caplen);
	if (got < 0)
		return cf->status;
	if ((uint32_t)got < caplen)
		return fail(cf, CAPFILE_TRUNCATED,
			    "truncated: the file ends inside a record "
			    "(%zd of %u bytes)", got, caplen);
	/* as libpcap: bytes past the file's snapshot length are dropped */
	f->caplen = MIN(caplen, cf->snaplen);
	f->wirelen = wirelen;
	f->data = cf->buf;
	f->linktype = cf->linktype;
	f->interface = 0;
	/* a sub-second part of a second or more (a bad writer) carries */
	if (!cf->nsec)
		sec += sub / 1000000, sub = sub % 1000000 * 1000;
	else
		sec += sub / 1000000000, sub %= 1000000000;
	f->ts_sec = (int64_t)sec;
	f->ts_nsec = sub;
	return CAPFILE_FRAME;
}

/* --------------------------------------------------------------- pcapng */

/* A Section Header Block: its first 12 bytes are at cf->buf. */
static int
shb_read(struct capfile *cf)
{
	const uint8_t *b = cf->buf;
	uint32_t len;
	uint16_t major, minor;
	ssize_t got;

	if (memcmp(b + 8, "\x1a\x2b\x3c\x4d", 4) == 0)
		cf->big = true;
	else if (memcmp(b + 8, "\x4d\x3c\x2b\x1a", 4) == 0)
		cf->big = false;
	else
		return fail(cf, CAPFILE_MALFORMED,
			    "malformed: a section header with no byte-order "
			    "magic");
	len = get32(cf, b + 4);
	if (len < 28 || len % 4 || len > MAX_BLOCK)
		return fail(cf, CAPFILE_MALFORMED,
			    "malformed: a section header block of %u bytes", len);
	got = get(cf, 12, len - 12);
	if (got < 0)
		return cf->status;
	if ((uint32_t)got < len - 12)
		return fail(cf, CAPFILE_TRUNCATED,
			    "truncated: the file ends inside a section header");
	b = cf->buf;
	if (get32(cf, b + len - 4) != len)
		return fail(cf, CAPFILE_MALFORMED,
			    "malformed: a section header block whose two "
			    "lengths differ");
	major = get16(cf, b + 12);
	minor = get16(cf, b + 14);
	if (major != 1)
		return fail(cf, CAPFILE_MALFORMED,
			    "unsupported pcapng version %u.%u", major, minor);
	/* a new section: interfaces and times start again */
	g_array_set_size(cf->ifaces, 0);
	cf->last_sec = 0;
	cf->last_nsec = 0;
	return 1;
}

/* An Interface Description Block's body (@n bytes). */
static int
idb_read(struct capfile *cf, const uint8_t *p, uint32_t n)
{
	struct iface in = { 0, 0, 6, 0 };
	uint32_t off = 8;

	if (n < 8)
		return fail(cf, CAPFILE_MALFORMED,
			    "malformed: an interface description of %u bytes", n);
	if (cf->ifaces->len >= MAX_IFACES)
		return fail(cf, CAPFILE_MALFORMED,
			    "malformed: more than %u interfaces in a section",
			    MAX_IFACES);
	in.linktype = get16(cf, p);
	in.snaplen = get32(cf, p + 4);
	/* options: code, length, value padded to 4 bytes */
	while (n - off >= 4) {
		uint16_t code = get16(cf, p + off), len = get16(cf, p + off + 2);
		uint32_t padded = ((uint32_t)len + 3) & ~3u;

		off += 4;
		if (code == OPT_ENDOFOPT)
			break;
		if (padded > n - off)
			return fail(cf, CAPFILE_MALFORMED,
				    "malformed: an interface option past the "
				    "end of its block");
		if (code == OPT_IF_TSRESOL && len >= 1)
			in.tsresol = p[off];
		else if (code == OPT_IF_TSOFFSET && len >= 8)
			in.offset = (int64_t)get64(cf, p + off);
		off += padded;
	}
	g_array_append_val(cf->ifaces, in);
	return 1;
}

static const struct iface *
iface_get(struct capfile *cf, uint32_t id)
{
	if (id >= cf->ifaces->len) {
		fail(cf, CAPFILE_MALFORMED,
		     "malformed: a packet of interface %u, which no interface "
		     "description block described", id);
		return NULL;
	}
	return &g_array_index(cf->ifaces, struct iface, id);
}

/* An Enhanced (@obsolete false) or obsolete Packet Block's body. */
static int
packet_read(struct capfile *cf, const uint8_t *p, uint32_t n, bool obsolete,
	    struct capfile_frame *f)
{
	const struct iface *in;
	uint32_t id, caplen;

	if (n < 20)
		return fail(cf, CAPFILE_MALFORMED,
			    "malformed: a packet block of %u bytes", n + 12);
	id = obsolete ? get16(cf, p) : get32(cf, p);
	in = iface_get(cf, id);
	if (!in)
		return cf->status;
	caplen = get32(cf, p + 12);
	if (caplen > n - 20)
		return fail(cf, CAPFILE_MALFORMED,
			    "malformed: %u captured bytes in a packet block "
			    "that holds %u", caplen, n - 20);
	f->data = p + 20;
	f->caplen = caplen;
	f->wirelen = get32(cf, p + 16);
	f->linktype = in->linktype;
	f->interface = id;
	capfile_ts_convert((uint64_t)get32(cf, p + 4) << 32 | get32(cf, p + 8),
			   in->tsresol, in->offset, &f->ts_sec, &f->ts_nsec);
	cf->last_sec = f->ts_sec;
	cf->last_nsec = f->ts_nsec;
	return CAPFILE_FRAME;
}

/* A Simple Packet Block's body: interface 0, no time stamp. */
static int
spb_read(struct capfile *cf, const uint8_t *p, uint32_t n,
	 struct capfile_frame *f)
{
	const struct iface *in;
	uint32_t wire;

	if (n < 4)
		return fail(cf, CAPFILE_MALFORMED,
			    "malformed: a simple packet block of %u bytes",
			    n + 12);
	in = iface_get(cf, 0);
	if (!in)
		return cf->status;
	wire = get32(cf, p);
	f->data = p + 4;
	f->caplen = MIN(wire, n - 4);
	if (in->snaplen)
		f->caplen = MIN(f->caplen, in->snaplen);
	f->wirelen = wire;
	f->linktype = in->linktype;
	f->interface = 0;
	f->ts_sec = cf->last_sec;
	f->ts_nsec = cf->last_nsec;
	return CAPFILE_FRAME;
}

static int
pcapng_next(struct capfile *cf, struct capfile_frame *f)
{
	for (;;) {
		uint32_t type, len;
		ssize_t got = get(cf, 0, 8);
		int r;

		if (got < 0)
			return cf->status;
		if (got == 0)
			return CAPFILE_END;
		if (got < 8)
			return fail(cf, CAPFILE_TRUNCATED,
				    "truncated: the file ends inside a block "
				    "header");
		type = get32(cf, cf->buf);
		if (type == BT_SHB) {
			/* the byte order follows, in the next 4 bytes */
			got = get(cf, 8, 4);
			if (got < 0)
				return cf->status;
			if (got < 4)
				return fail(cf, CAPFILE_TRUNCATED,
					    "truncated: the file ends inside "
					    "a section header");
			if (shb_read(cf) < 0)
				return cf->status;
			continue;
		}
		len = get32(cf, cf->buf + 4);
		if (len < 12 || len % 4 || len > MAX_BLOCK)
			return fail(cf, CAPFILE_MALFORMED,
				    "malformed: a block (type 0x%x) of %u bytes",
				    type, len);
		got = get(cf, 8, len - 8);
		if (got < 0)
			return cf->status;
		if ((uint32_t)got < len - 8)
			return fail(cf, CAPFILE_TRUNCATED,
				    "truncated: the file ends inside a block "
				    "(%zd of %u bytes)", got + 8, len);
		if (get32(cf, cf->buf + len - 4) != len)
			return fail(cf, CAPFILE_MALFORMED,
				    "malformed: a block (type 0x%x) whose two "
				    "lengths differ", type);
		switch (type) {
		case BT_IDB:
			r = idb_read(cf, cf->buf + 8, len - 12);
			break;
		case BT_EPB:
			return packet_read(cf, cf->buf + 8, len - 12, false, f);
		case BT_OPB:
			return packet_read(cf, cf->buf + 8, len - 12, true, f);
		case BT_SPB:
			return spb_read(cf, cf->buf + 8, len - 12, f);
		default:
			r = 1; /* name resolution, statistics, custom: skipped */
			break;
		}
		if (r < 0)
			return cf->status;
	}
}

/* ----------------------------------------------------------------- API */

struct capfile *
capfile_open(FILE *fp, char *err, size_t errlen)
{
	struct capfile *cf = g_new0(struct capfile, 1);
	struct stat st;
	ssize_t got;
	int r = 0;

	cf->fp = fp;
	cf->regular = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
	cf->ifaces = g_array_new(FALSE, FALSE, sizeof(struct iface));
	cf->linktype = -1;
	got = get(cf, 0, 4);
	if (got == 0) {
		fail(cf, CAPFILE_TRUNCATED, "empty file: not a capture");
	} else if (got > 0 && got < 4) {
		fail(cf, CAPFILE_TRUNCATED,
		     "not a pcap or pcapng file (%zd bytes)", got);
	} else if (got == 4 && memcmp(cf->buf, "\x0a\x0d\x0d\x0a", 4) == 0) {
		cf->ng = true;
		got = get(cf, 4, 8);
		if (got >= 0 && got < 8)
			fail(cf, CAPFILE_TRUNCATED,
			     "truncated pcapng section header");
		else if (got == 8)
			r = shb_read(cf);
	} else if (got == 4) {
		r = pcap_open(cf);
		if (r == 0 && memcmp(cf->buf, "\x1f\x8b", 2) == 0)
			fail(cf, CAPFILE_MALFORMED,
			     "compressed with gzip: decompress it first "
			     "(zcat FILE | mpflow -r -)");
		else if (r == 0)
			fail(cf, CAPFILE_MALFORMED, "not a pcap or pcapng file");
	}
	if (cf->status < 0 || r < 0) {
		g_strlcpy(err, cf->err, errlen);
		capfile_close(cf);
		return NULL;
	}
	return cf;
}

int
capfile_next(struct capfile *cf, struct capfile_frame *f)
{
	if (cf->status < 0)
		return cf->status;
	return cf->ng ? pcapng_next(cf, f) : pcap_next(cf, f);
}

const char *
capfile_error(const struct capfile *cf)
{
	return cf->err;
}

const char *
capfile_format(const struct capfile *cf)
{
	return cf->ng ? "pcapng" : "pcap";
}

int
capfile_linktype(const struct capfile *cf)
{
	return cf->ng ? -1 : cf->linktype;
}

uint64_t
capfile_offset(const struct capfile *cf)
{
	return cf->offset;
}

void
capfile_close(struct capfile *cf)
{
	if (!cf)
		return;
	g_array_free(cf->ifaces, TRUE);
	g_free(cf->win);
	g_free(cf);
}
