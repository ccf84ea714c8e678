/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the CLI's capture reader (tools/capfile.c): every block of
 * pcapng in both byte orders, pcap's variants, time stamp resolutions and
 * offsets at their limits, every truncation (truncated, never malformed)
 * and each way a file can contradict itself (malformed)
 */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "capfile.h"
#include "mpf-test.h"

/* ------------------------------------------------------- file builder */

struct file {
	GByteArray *b;
	bool big;
};

static void
put(struct file *f, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		int shift = f->big ? 8 * (n - 1 - i) : 8 * i;
		uint8_t byte = (uint8_t)(v >> shift);

		g_byte_array_append(f->b, &byte, 1);
	}
}

static void
put_bytes(struct file *f, const void *p, size_t n)
{
	static const uint8_t zero[4];

	g_byte_array_append(f->b, p, (guint)n);
	g_byte_array_append(f->b, zero, (guint)(-n & 3));
}

/* Opens a block; block_end() writes its lengths. */
static guint
block_begin(struct file *f, uint32_t type)
{
	guint at = f->b->len;

	put(f, type, 4);
	put(f, 0, 4);
	return at;
}

static void
block_end(struct file *f, guint at)
{
	uint32_t len = f->b->len - at + 4;
	struct file tmp = { g_byte_array_new(), f->big };

	put(&tmp, len, 4);
	memcpy(f->b->data + at + 4, tmp.b->data, 4);
	g_byte_array_append(f->b, tmp.b->data, 4);
	g_byte_array_free(tmp.b, TRUE);
}

static void
shb(struct file *f)
{
	guint at = block_begin(f, 0x0A0D0D0A);

	put(f, 0x1A2B3C4D, 4);
	put(f, 1, 2);
	put(f, 0, 2);
	put(f, UINT64_MAX, 8);
	block_end(f, at);
}

/* @tsresol < 0: none; @offset written when nonzero */
static void
idb(struct file *f, int linktype, uint32_t snaplen, int tsresol,
    int64_t offset)
{
	guint at = block_begin(f, 1);

	put(f, (uint64_t)linktype, 2);
	put(f, 0, 2);
	put(f, snaplen, 4);
	if (tsresol >= 0) {
		uint8_t r = (uint8_t)tsresol;

		put(f, 9, 2);
		put(f, 1, 2);
		put_bytes(f, &r, 1);
	}
	if (offset) {
		put(f, 14, 2);
		put(f, 8, 2);
		put(f, (uint64_t)offset, 8);
	}
	put(f, 0, 4); /* opt_endofopt */
	block_end(f, at);
}

static void
epb(struct file *f, uint32_t iface, uint64_t ts, const char *data)
{
	guint at = block_begin(f, 6);
	uint32_t n = (uint32_t)strlen(data);

	put(f, iface, 4);
	put(f, ts >> 32, 4);
	put(f, ts & 0xffffffff, 4);
	put(f, n, 4);
	put(f, n + 10, 4);
	put_bytes(f, data, n);
	block_end(f, at);
}

static void
opb(struct file *f, uint16_t iface, uint64_t ts, const char *data)
{
	guint at = block_begin(f, 2);
	uint32_t n = (uint32_t)strlen(data);

	put(f, iface, 2);
	put(f, 0, 2);
	put(f, ts >> 32, 4);
	put(f, ts & 0xffffffff, 4);
	put(f, n, 4);
	put(f, n, 4);
	put_bytes(f, data, n);
	block_end(f, at);
}

static void
spb(struct file *f, const char *data)
{
	guint at = block_begin(f, 3);
	uint32_t n = (uint32_t)strlen(data);

	put(f, n, 4);
	put_bytes(f, data, n);
	block_end(f, at);
}

static void
unknown(struct file *f)
{
	guint at = block_begin(f, 0x40000BAD);

	put_bytes(f, "custom data", 11);
	block_end(f, at);
}

/* A file of every block: two sections, the second of @second_big order;
 * it holds 6 frames. *@ends lists the byte offsets where blocks end
 * (*@nends of them), as a reader may stop there cleanly. */
static GByteArray *
sample(bool big, bool second_big, guint *ends, int *nends)
{
	struct file f = { g_byte_array_new(), big };
	int n = 0;

#define END() (ends[n++] = f.b->len)
	shb(&f), END();
	idb(&f, 1, 0, -1, 0), END();          /* Ethernet, microseconds */
	idb(&f, 101, 4, 9, 0), END();         /* raw IP, ns, snaplen 4 */
	idb(&f, 113, 0, 0x80 | 10, -100), END(); /* SLL, 1/1024 s, -100 s */
	epb(&f, 0, 1500000, "eth-frame"), END();
	epb(&f, 1, 2000000001, "raw-ip"), END();
	unknown(&f), END();
	opb(&f, 2, 1024 * 200 + 512, "sll"), END();
	spb(&f, "simple"), END();
	f.big = second_big;
	shb(&f), END();
	idb(&f, 276, 0, -1, 0), END();
	epb(&f, 0, 7000000, "second"), END();
	spb(&f, "x"), END();
#undef END
	*nends = n;
	return f.b;
}

/* --------------------------------------------------------------- reads */

struct got {
	int status;
	int frames;
	struct capfile_frame f[16];
	char data[16][16];
	char err[256];
};

static void
read_all(const uint8_t *p, size_t n, struct got *g)
{
	struct capfile *cf;
	FILE *fp;
	char err[256] = "";

	memset(g, 0, sizeof(*g));
	fp = n ? fmemopen((void *)p, n, "rb") : fopen("/dev/null", "rb");
	ck_assert_ptr_nonnull(fp);
	cf = capfile_open(fp, err, sizeof(err));
	if (!cf) {
		g->status = -100;
		g_strlcpy(g->err, err, sizeof(g->err));
		fclose(fp);
		return;
	}
	for (;;) {
		struct capfile_frame fr;
		int r = capfile_next(cf, &fr);

		if (r != CAPFILE_FRAME) {
			g->status = r;
			g_strlcpy(g->err, capfile_error(cf), sizeof(g->err));
			ck_assert_int_eq(capfile_next(cf, &fr), r); /* sticky */
			break;
		}
		ck_assert_int_lt(g->frames, 16);
		g->f[g->frames] = fr;
		memcpy(g->data[g->frames], fr.data, MIN(fr.caplen, 15));
		g->f[g->frames].data = NULL;
		g->frames++;
	}
	capfile_close(cf);
	fclose(fp);
}

static void
check_sample(const struct got *g)
{
	ck_assert_msg(g->status == CAPFILE_END, "%s", g->err);
	/* Ethernet, microseconds */
	ck_assert_str_eq(g->data[0], "eth-frame");
	ck_assert_int_eq(g->f[0].linktype, 1);
	ck_assert_int_eq(g->f[0].ts_sec, 1);
	ck_assert_uint_eq(g->f[0].ts_nsec, 500000000);
	ck_assert_uint_eq(g->f[0].wirelen, 19);
	/* raw IP, nanoseconds */
	ck_assert_str_eq(g->data[1], "raw-ip");
	ck_assert_int_eq(g->f[1].linktype, 101);
	ck_assert_uint_eq(g->f[1].interface, 1);
	ck_assert_int_eq(g->f[1].ts_sec, 2);
	ck_assert_uint_eq(g->f[1].ts_nsec, 1);
	/* obsolete Packet Block, 1/1024 s, 100 s before */
	ck_assert_str_eq(g->data[2], "sll");
	ck_assert_int_eq(g->f[2].linktype, 113);
	ck_assert_int_eq(g->f[2].ts_sec, 200 - 100);
	ck_assert_uint_eq(g->f[2].ts_nsec, 500000000);
	/* Simple Packet Block: interface 0, the time before it */
	ck_assert_str_eq(g->data[3], "simple");
	ck_assert_int_eq(g->f[3].linktype, 1);
	ck_assert_int_eq(g->f[3].ts_sec, 100);
	/* the second section's interfaces, in its own byte order */
	ck_assert_str_eq(g->data[4], "second");
	ck_assert_int_eq(g->f[4].linktype, 276);
	ck_assert_int_eq(g->f[4].ts_sec, 7);
	ck_assert_str_eq(g->data[5], "x");
	ck_assert_int_eq(g->f[5].ts_sec, 7);
	ck_assert_int_eq(g->frames, 6);
}

START_TEST(test_pcapng_blocks)
{
	guint ends[32];
	int nends, order;

	for (order = 0; order < 4; order++) {
		GByteArray *b = sample(order & 1, order & 2, ends, &nends);
		struct got g;

		read_all(b->data, b->len, &g);
		check_sample(&g);
		g_byte_array_free(b, TRUE);
	}
}
END_TEST

/* Every prefix of the file: the frames whose blocks are whole, then the
 * end (at a block boundary) or a truncation, never a malformed file. */
START_TEST(test_pcapng_every_truncation)
{
	guint ends[32];
	int nends, k;
	GByteArray *b = sample(false, true, ends, &nends);
	size_t n;

	for (n = 0; n <= b->len; n++) {
		struct got g;
		bool boundary = false;
		int whole = 0;

		read_all(b->data, n, &g);
		for (k = 0; k < nends; k++) {
			boundary |= ends[k] == n;
		}
		if (n < ends[0]) { /* no whole section header: not opened */
			ck_assert_int_eq(g.status, -100);
			continue;
		}
		ck_assert_msg(g.status == (boundary ? CAPFILE_END : CAPFILE_TRUNCATED),
			      "prefix %zu: status %d (%s)", n, g.status, g.err);
		if (!boundary)
			ck_assert_ptr_nonnull(strstr(g.err, "truncated"));
		/* packet blocks end at ends[4], [5], [7], [8], [11], [12] */
		for (k = 0; k < nends; k++)
			if (ends[k] <= n && (k == 4 || k == 5 || k == 7 ||
					     k == 8 || k == 11 || k == 12))
				whole++;
		ck_assert_int_eq(g.frames, whole);
	}
	g_byte_array_free(b, TRUE);
}
END_TEST

/* Each contradiction is malformed, with the frames before it read. */
START_TEST(test_pcapng_malformed)
{
	static const struct {
		const char *what;
		guint at;  /* offset from the start of the first EPB */
		uint32_t value;
	} cases[] = {
		{ "block length not a multiple of 4", 4, 45 },
		{ "block length under 12", 4, 8 },
		{ "block length past 16 MiB", 4, 0x2000000 },
		{ "interface never described", 8, 9 },
		{ "captured length past the block", 20, 200 },
	};
	guint ends[32];
	int nends;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		GByteArray *b = sample(false, false, ends, &nends);
		struct got g;
		guint at = ends[3] + cases[i].at; /* the first EPB */

		b->data[at] = (uint8_t)cases[i].value; /* little-endian */
		b->data[at + 1] = (uint8_t)(cases[i].value >> 8);
		b->data[at + 2] = (uint8_t)(cases[i].value >> 16);
		b->data[at + 3] = (uint8_t)(cases[i].value >> 24);
		read_all(b->data, b->len, &g);
		ck_assert_msg(g.status == CAPFILE_MALFORMED, "%s: %d %s",
			      cases[i].what, g.status, g.err);
		ck_assert_ptr_nonnull(strstr(g.err, "malformed"));
		ck_assert_int_eq(g.frames, 0);
		g_byte_array_free(b, TRUE);
	}
}
END_TEST

START_TEST(test_pcapng_malformed_headers)
{
	struct file f = { g_byte_array_new(), false };
	struct got g;
	guint at;

	/* the two lengths of a block differ */
	shb(&f);
	idb(&f, 1, 0, -1, 0);
	epb(&f, 0, 1, "a");
	f.b->data[f.b->len - 4] ^= 4;
	read_all(f.b->data, f.b->len, &g);
	ck_assert_int_eq(g.status, CAPFILE_MALFORMED);
	ck_assert_ptr_nonnull(strstr(g.err, "differ"));
	/* an interface option past its block */
	g_byte_array_set_size(f.b, 0);
	shb(&f);
	at = block_begin(&f, 1);
	put(&f, 1, 2);
	put(&f, 0, 2);
	put(&f, 0, 4);
	put(&f, 9, 2);
	put(&f, 40, 2);
	block_end(&f, at);
	read_all(f.b->data, f.b->len, &g);
	ck_assert_int_eq(g.status, CAPFILE_MALFORMED);
	/* a packet before any interface: a Simple Packet Block */
	g_byte_array_set_size(f.b, 0);
	shb(&f);
	spb(&f, "lost");
	read_all(f.b->data, f.b->len, &g);
	ck_assert_int_eq(g.status, CAPFILE_MALFORMED);
	/* version 2 of pcapng, and a section header without its magic */
	g_byte_array_set_size(f.b, 0);
	shb(&f);
	f.b->data[12] = 2;
	read_all(f.b->data, f.b->len, &g);
	ck_assert_int_eq(g.status, -100);
	ck_assert_ptr_nonnull(strstr(g.err, "version 2.0"));
	f.b->data[12] = 1;
	f.b->data[8] = 0x99;
	read_all(f.b->data, f.b->len, &g);
	ck_assert_int_eq(g.status, -100);
	g_byte_array_free(f.b, TRUE);
}
END_TEST

/* -------------------------------------------------------------- pcap */

static GByteArray *
pcap_file(bool big, bool nsec, uint16_t minor, bool modified)
{
	struct file f = { g_byte_array_new(), big };
	int i;

	put(&f, modified ? 0xa1b2cd34 : nsec ? 0xa1b23c4d : 0xa1b2c3d4, 4);
	put(&f, 2, 2);
	put(&f, minor, 2);
	put(&f, 0, 4);
	put(&f, 0, 4);
	put(&f, 8, 4); /* snaplen: longer records are cut to it */
	put(&f, 101, 4);
	for (i = 0; i < 3; i++) {
		put(&f, 100 + (uint64_t)i, 4);
		put(&f, nsec ? 7 : 2000001, 4); /* a bad writer's 2.000001 s */
		/* caplen, wirelen (swapped by writers before 2.3) */
		put(&f, minor < 3 ? 20 : 10, 4);
		put(&f, minor < 3 ? 10 : 20, 4);
		if (modified)
			put(&f, 0, 8);
		g_byte_array_append(f.b, (const guint8 *)"0123456789", 10);
	}
	return f.b;
}

START_TEST(test_pcap_variants)
{
	int v;

	for (v = 0; v < 16; v++) {
		bool big = v & 1, nsec = v & 2, modified = (v & 12) == 12;
		uint16_t minor = (v & 4) ? 2 : 4;
		GByteArray *b = pcap_file(big, nsec && !modified, minor, modified);
		struct got g;

		read_all(b->data, b->len, &g);
		ck_assert_msg(g.status == CAPFILE_END, "variant %d: %s", v, g.err);
		ck_assert_int_eq(g.frames, 3);
		ck_assert_int_eq(g.f[2].linktype, 101);
		ck_assert_uint_eq(g.f[2].caplen, 8); /* the snapshot length */
		ck_assert_uint_eq(g.f[2].wirelen, 20);
		ck_assert_str_eq(g.data[2], "01234567");
		if (nsec && !modified) {
			ck_assert_int_eq(g.f[2].ts_sec, 102);
			ck_assert_uint_eq(g.f[2].ts_nsec, 7);
		} else {
			ck_assert_int_eq(g.f[2].ts_sec, 104);
			ck_assert_uint_eq(g.f[2].ts_nsec, 1000);
		}
		g_byte_array_free(b, TRUE);
	}
}
END_TEST

START_TEST(test_pcap_truncations)
{
	GByteArray *b = pcap_file(false, true, 4, false);
	size_t n;

	for (n = 0; n <= b->len; n++) {
		struct got g;
		size_t rec = n < 24 ? 0 : (n - 24) / 26, rest = n < 24 ? 0 : (n - 24) % 26;

		read_all(b->data, n, &g);
		if (n < 24) {
			ck_assert_int_eq(g.status, -100);
			ck_assert(n == 0 ? strstr(g.err, "empty") != NULL
				         : g.err[0] != '\0');
			continue;
		}
		ck_assert_int_eq(g.frames, (int)rec);
		ck_assert_int_eq(g.status, rest ? CAPFILE_TRUNCATED : CAPFILE_END);
	}
	/* a record past libpcap's limit */
	b->data[24 + 8] = 0;
	b->data[24 + 10] = 0x10;
	{
		struct got g;

		read_all(b->data, b->len, &g);
		ck_assert_int_eq(g.status, CAPFILE_MALFORMED);
		ck_assert_ptr_nonnull(strstr(g.err, "262144"));
	}
	g_byte_array_free(b, TRUE);
}
END_TEST

START_TEST(test_not_a_capture)
{
	static const char gz[] = "\x1f\x8b\x08\x00 compressed";
	static const char text[] = "hello, this is not a capture";
	struct got g;
	GByteArray *b = pcap_file(false, false, 4, false);

	read_all((const uint8_t *)gz, sizeof(gz), &g);
	ck_assert_int_eq(g.status, -100);
	ck_assert_ptr_nonnull(strstr(g.err, "gzip"));
	read_all((const uint8_t *)text, sizeof(text), &g);
	ck_assert_str_eq(g.err, "not a pcap or pcapng file");
	b->data[4] = 3; /* pcap 3.4 */
	read_all(b->data, b->len, &g);
	ck_assert_int_eq(g.status, -100);
	ck_assert_ptr_nonnull(strstr(g.err, "version 3.4"));
	g_byte_array_free(b, TRUE);
}
END_TEST

/* A read that fails (a directory) is an I/O error, not an end. */
START_TEST(test_read_error)
{
	FILE *fp = fopen("/", "rb");
	char err[256] = "";

	if (!fp)
		return; /* the system does not open directories */
	ck_assert_ptr_null(capfile_open(fp, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "read error"));
	fclose(fp);
}
END_TEST

/* ---------------------------------------------------------- time */

START_TEST(test_time_conversion)
{
	static const struct {
		uint64_t ts;
		uint8_t resol;
		int64_t offset;
		int64_t sec;
		uint32_t nsec;
	} v[] = {
		{ 1500000, 6, 0, 1, 500000000 },
		{ 1500000001, 9, 0, 1, 500000001 },
		{ 15, 1, 0, 1, 500000000 },
		{ 3, 0, -10, -7, 0 },
		{ 1536, 0x80 | 10, 0, 1, 500000000 },
		{ 1, 0x80 | 63, 0, 0, 0 },              /* 2^-63 s */
		{ UINT64_MAX, 0x80 | 64, 0, 0, 999999999 },
		{ UINT64_MAX, 0x80 | 127, 0, 0, 0 },
		{ UINT64_MAX, 19, 0, 1, 844674407 },
		{ UINT64_MAX, 20, 0, 0, 184467440 },
		{ UINT64_MAX, 28, 0, 0, 1 },
		{ UINT64_MAX, 29, 0, 0, 0 },
		{ UINT64_MAX, 127, 0, 0, 0 },
		/* saturating: past int64 nanoseconds either way */
		{ UINT64_MAX, 0, 0, INT64_MAX / 1000000000 - 1, 999999999 },
		{ 5, 0, INT64_MAX, INT64_MAX / 1000000000 - 1, 999999999 },
		{ 5, 0, INT64_MIN, 5 - (INT64_MAX / 1000000000 - 1), 0 },
		{ 0, 0, INT64_MIN, -(INT64_MAX / 1000000000 - 1), 0 },
		{ UINT64_MAX, 0, INT64_MIN, 0, 999999999 },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(v); i++) {
		int64_t sec;
		uint32_t nsec;

		capfile_ts_convert(v[i].ts, v[i].resol, v[i].offset, &sec, &nsec);
		ck_assert_msg(sec == v[i].sec && nsec == v[i].nsec,
			      "vector %zu: %" G_GINT64_FORMAT ".%09u", i, sec, nsec);
	}
}
END_TEST

static Suite *
capfile_suite(void)
{
	Suite *s = suite_create("capfile");
	TCase *tc = tcase_create("pcapng");

	tcase_add_test(tc, test_pcapng_blocks);
	tcase_add_test(tc, test_pcapng_every_truncation);
	tcase_add_test(tc, test_pcapng_malformed);
	tcase_add_test(tc, test_pcapng_malformed_headers);
	suite_add_tcase(s, tc);
	tc = tcase_create("pcap");
	tcase_add_test(tc, test_pcap_variants);
	tcase_add_test(tc, test_pcap_truncations);
	tcase_add_test(tc, test_not_a_capture);
	tcase_add_test(tc, test_read_error);
	suite_add_tcase(s, tc);
	tc = tcase_create("time");
	tcase_add_test(tc, test_time_conversion);
	suite_add_tcase(s, tc);
	return s;
}

MPF_TEST_MAIN(capfile_suite)
