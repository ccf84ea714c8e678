/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the frames of a file (capfile.c) or a live interface
 * (libpcap), filtered and counted (see input.h)
 *
 * A BPF filter on a file is compiled by libpcap once per link type
 * (pcap_open_dead() for that type) and run on each frame with
 * pcap_offline_filter(), so a pcapng file whose interfaces differ is
 * filtered right, and the frames keep their numbers. On a live capture
 * the kernel runs it (pcap_setfilter()).
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "capfile.h"
#include "input.h"
#include "mpflow.h"

#define SNAPLEN 262144
#define LIVE_TIMEOUT_MS 200
#define PROGRESS_EVERY 4096   /* frames between looks at the clock */
#define PROGRESS_DELAY 2.0    /* seconds before a progress line shows */
#define PROGRESS_REDRAW 250000 /* us between redraws */

/* A filter compiled for one link type. */
struct program {
	int linktype;
	bool ok; /* false: the filter does not apply to it */
	struct bpf_program bpf;
};

struct input {
	struct input_options o;
	char *name;
	FILE *fp;             /* a file */
	bool own_fp;
	struct capfile *cf;
	uint64_t size;        /* of a regular file, for progress; 0 unknown */
	pcap_t *live;
	int live_dlt;
	GArray *programs;     /* struct program */
	uint32_t number;      /* frames read (a file: every one) */
	uint64_t delivered;   /* frames handed out */
	uint64_t supported;   /* frames of a link type the library decodes */
	int unsupported_lt;   /* the last link type it does not, or -1 */
	volatile sig_atomic_t stop;
	void (*idle)(int64_t, uint32_t, void *);
	void *idle_user;
	char *error;
	/* progress */
	bool progress;
	int64_t t_start, t_drawn;
	double delay;
	bool drawn;
};

/* --------------------------------------------------------------- names */

/* The libpcap DLT_ value of a LINKTYPE_ one (they differ for a few:
 * pcap-linktype(7)); pcap_open_dead() and the link type names want it. */
static int
linktype_to_dlt(int linktype)
{
	switch (linktype) {
	case 100:
		return DLT_ATM_RFC1483;
	case 101:
		return DLT_RAW;
	case 102:
		return DLT_SLIP_BSDOS;
	case 103:
		return DLT_PPP_BSDOS;
	case 106:
		return DLT_ATM_CLIP;
	default:
		return linktype;
	}
}

static const char *
linktype_name(int linktype)
{
	const char *n = pcap_datalink_val_to_name(linktype_to_dlt(linktype));

	return n ? n : "unknown";
}

static void set_error(struct input *in, const char *fmt, ...)
	G_GNUC_PRINTF(2, 3);

static void
set_error(struct input *in, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_free(in->error);
	in->error = g_strdup_printf("%s: %s", in->name, m);
	g_free(m);
}

/* -------------------------------------------------------------- filter */

/* Compiles the filter for @linktype (cached). Returns: the program, or
 * NULL when the filter does not apply to it, with libpcap's reason in
 * @why (nullable). */
static const struct program *
program_for(struct input *in, int linktype, char *why, size_t len)
{
	struct program p = { linktype, false, { 0, NULL } };
	pcap_t *dead;
	guint i;

	for (i = 0; i < in->programs->len; i++) {
		const struct program *q =
			&g_array_index(in->programs, struct program, i);

		if (q->linktype == linktype)
			return q->ok ? q : NULL;
	}
	dead = pcap_open_dead(linktype_to_dlt(linktype), SNAPLEN);
	if (dead) {
		p.ok = pcap_compile(dead, &p.bpf, in->o.filter, 1,
				    PCAP_NETMASK_UNKNOWN) == 0;
		if (!p.ok && why)
			g_strlcpy(why, pcap_geterr(dead), len);
		pcap_close(dead);
	} else if (why) {
		g_strlcpy(why, "out of memory", len);
	}
	g_array_append_val(in->programs, p);
	if (p.ok)
		return &g_array_index(in->programs, struct program,
				      in->programs->len - 1);
	return NULL;
}

/* Whether @f passes the filter. A frame of a link type the filter does
 * not apply to ("ether host" on raw IP) does not; that is said once. */
static bool
filter_pass(struct input *in, const struct capfile_frame *f)
{
	const struct program *p;
	struct pcap_pkthdr h;
	char why[PCAP_ERRBUF_SIZE] = "";
	guint before = in->programs->len;

	p = program_for(in, f->linktype, why, sizeof(why));
	if (!p) {
		if (in->programs->len > before && !in->o.quiet)
			fprintf(stderr,
				"mpflow: %s: the filter does not apply to link "
				"type %d (%s), whose frames are left out: %s\n",
				in->name, f->linktype,
				linktype_name(f->linktype), why);
		return false;
	}
	memset(&h, 0, sizeof(h));
	h.caplen = f->caplen;
	h.len = f->wirelen;
	return pcap_offline_filter(&p->bpf, &h, f->data) != 0;
}

/* Checks the filter's syntax before any frame is read: it must compile
 * for the file's link type, or for pcapng (whose link types come later)
 * for Ethernet or raw IP. */
static int
filter_check(struct input *in, int linktype, char **msg)
{
	char why[PCAP_ERRBUF_SIZE] = "", why2[PCAP_ERRBUF_SIZE] = "";

	if (linktype >= 0 && program_for(in, linktype, why, sizeof(why)))
		return INPUT_OK;
	if (linktype < 0 && (program_for(in, 1, why, sizeof(why)) ||
			     program_for(in, 101, why2, sizeof(why2))))
		return INPUT_OK;
	*msg = g_strdup_printf("invalid filter '%s': %s", in->o.filter, why);
	return INPUT_EUSAGE;
}

/* ------------------------------------------------------------ progress */

static void
progress_clear(struct input *in)
{
	if (in->drawn)
		fputs("\r\033[K", stderr);
	in->drawn = false;
}

static void
progress_tick(struct input *in)
{
	int64_t now = g_get_monotonic_time();
	uint64_t done = in->cf ? capfile_offset(in->cf) : 0;

	if (!in->drawn && (double)(now - in->t_start) < in->delay * 1e6)
		return;
	if (in->drawn && now - in->t_drawn < PROGRESS_REDRAW)
		return;
	in->t_drawn = now;
	in->drawn = true;
	if (in->size)
		fprintf(stderr, "\rmpflow: %s: %.0f%% (%" G_GUINT32_FORMAT
				" frames)\033[K",
			in->name, 100.0 * (double)MIN(done, in->size) /
					  (double)in->size,
			in->number);
	else
		fprintf(stderr, "\rmpflow: %s: %" G_GUINT32_FORMAT
				" frames\033[K",
			in->name, in->number);
	fflush(stderr);
}

static void
progress_init(struct input *in)
{
	const char *d = getenv("MPFLOW_PROGRESS_DELAY");

	in->progress = in->o.progress && !in->live && isatty(STDERR_FILENO);
	in->delay = PROGRESS_DELAY;
	if (d && *d) {
		char *end;
		double v = g_ascii_strtod(d, &end);

		if (*end == '\0' && v >= 0)
			in->delay = v;
	}
	in->t_start = g_get_monotonic_time();
}

/* ---------------------------------------------------------------- open */

static struct input *
input_new(const struct input_options *o, const char *name)
{
	struct input *in = g_new0(struct input, 1);

	in->o = *o;
	in->name = g_strdup(name);
	in->programs = g_array_new(FALSE, FALSE, sizeof(struct program));
	in->unsupported_lt = -1;
	in->live_dlt = -1;
	return in;
}

/* @name: a name from -D's list, or its number there. Returns: (transfer
 * full) the device name to open. */
static char *
device_by_number(const char *name)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_if_t *all = NULL, *d;
	char *end;
	unsigned long k;
	unsigned long i = 1;
	char *r = NULL;

	errno = 0;
	k = strtoul(name, &end, 10);
	if (errno || *end || end == name || k == 0)
		return g_strdup(name);
	if (pcap_findalldevs(&all, err) != 0)
		return g_strdup(name);
	for (d = all; d; d = d->next, i++) {
		if (strcmp(d->name, name) == 0) { /* an interface named "2" */
			r = g_strdup(name);
			break;
		}
		if (i == k && !r)
			r = g_strdup(d->name);
	}
	pcap_freealldevs(all);
	return r ? r : g_strdup(name);
}

static int
open_live(struct input *in, char **msg)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	char *dev = device_by_number(in->o.iface);
	pcap_t *pc;
	int r;

	g_free(in->name);
	in->name = dev;
	pc = pcap_create(dev, err);
	if (!pc) {
		*msg = g_strdup_printf("%s: %s", dev, err);
		return INPUT_EOPEN;
	}
	pcap_set_snaplen(pc, SNAPLEN);
	pcap_set_promisc(pc, 1);
	pcap_set_timeout(pc, LIVE_TIMEOUT_MS);
	pcap_set_immediate_mode(pc, 1); /* each frame as it comes */
	pcap_set_tstamp_precision(pc, PCAP_TSTAMP_PRECISION_NANO);
	r = pcap_activate(pc);
	if (r < 0) {
		const char *why = r == PCAP_ERROR ? pcap_geterr(pc)
						  : pcap_statustostr(r);

		if (r == PCAP_ERROR_PERM_DENIED)
			*msg = g_strdup_printf(
				"%s: %s (capturing needs root or the "
				"CAP_NET_RAW capability)",
				dev, *pcap_geterr(pc) ? pcap_geterr(pc) : why);
		else if ((r == PCAP_ERROR_NO_SUCH_DEVICE ||
			  r == PCAP_ERROR) && *pcap_geterr(pc))
			*msg = g_strdup_printf("%s: %s", dev, pcap_geterr(pc));
		else
			*msg = g_strdup_printf("%s: %s", dev, why);
		pcap_close(pc);
		return INPUT_EOPEN;
	}
	in->live = pc;
	in->live_dlt = pcap_datalink(pc);
	if (!mpf_linktype_is_supported(in->live_dlt)) {
		*msg = g_strdup_printf("%s: unsupported link type %d (%s)", dev,
				       in->live_dlt, linktype_name(in->live_dlt));
		return INPUT_EOPEN;
	}
	if (in->o.filter) {
		struct bpf_program bpf;

		if (pcap_compile(pc, &bpf, in->o.filter, 1,
				 PCAP_NETMASK_UNKNOWN) != 0) {
			*msg = g_strdup_printf("invalid filter '%s': %s",
					       in->o.filter, pcap_geterr(pc));
			return INPUT_EUSAGE;
		}
		r = pcap_setfilter(pc, &bpf);
		pcap_freecode(&bpf);
		if (r != 0) {
			*msg = g_strdup_printf("%s: cannot set the filter: %s",
					       dev, pcap_geterr(pc));
			return INPUT_EOPEN;
		}
	}
	return INPUT_OK;
}

static int
open_file(struct input *in, char **msg)
{
	char err[256] = "";
	struct stat st;
	int lt;

	if (strcmp(in->o.path, "-") == 0) {
		in->fp = stdin;
	} else {
		in->fp = fopen(in->o.path, "rb");
		if (!in->fp) {
			*msg = g_strdup_printf("%s: %s", in->name,
					       g_strerror(errno));
			return INPUT_EOPEN;
		}
		in->own_fp = true;
	}
	if (fstat(fileno(in->fp), &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			*msg = g_strdup_printf("%s: is a directory", in->name);
			return INPUT_EOPEN;
		}
		if (S_ISREG(st.st_mode))
			in->size = (uint64_t)st.st_size;
	}
	/* whole blocks of the file at a time, pipes too */
	setvbuf(in->fp, NULL, _IOFBF, 1 << 18);
	in->cf = capfile_open(in->fp, err, sizeof(err));
	if (!in->cf) {
		*msg = g_strdup_printf("%s: %s", in->name, err);
		return INPUT_EOPEN;
	}
	lt = capfile_linktype(in->cf);
	if (lt >= 0 && !mpf_linktype_is_supported(lt)) {
		*msg = g_strdup_printf("%s: unsupported link type %d (%s)",
				       in->name, lt, linktype_name(lt));
		return INPUT_EOPEN;
	}
	if (in->o.filter)
		return filter_check(in, lt, msg);
	return INPUT_OK;
}

int
input_open(const struct input_options *o, struct input **inp, char **msg)
{
	struct input *in;
	int r;

	*inp = NULL;
	*msg = NULL;
	in = input_new(o, o->iface ? o->iface
			  : strcmp(o->path, "-") == 0 ? "(standard input)"
						      : o->path);
	r = o->iface ? open_live(in, msg) : open_file(in, msg);
	if (r != INPUT_OK) {
		input_close(in);
		return r;
	}
	progress_init(in);
	*inp = in;
	return INPUT_OK;
}

/* ---------------------------------------------------------------- read */

static int
next_live(struct input *in, struct input_frame *f)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int r;

	for (;;) {
		if (in->stop)
			return 0;
		r = pcap_next_ex(in->live, &h, &data);
		if (r == 1)
			break;
		if (r == 0) { /* the timeout: nothing came */
			if (in->idle) {
				gint64 now = g_get_real_time();

				in->idle(now / G_USEC_PER_SEC,
					 (uint32_t)(now % G_USEC_PER_SEC) * 1000,
					 in->idle_user);
			}
			continue;
		}
		if (r == PCAP_ERROR_BREAK)
			return 0;
		set_error(in, "%s", pcap_geterr(in->live));
		return -1;
	}
	f->number = ++in->number;
	f->linktype = in->live_dlt;
	f->interface = 0;
	f->data = data;
	f->caplen = h->caplen;
	f->wirelen = h->len;
	f->ts_sec = h->ts.tv_sec;
	/* nanoseconds when the device gave them (see open_live) */
	f->ts_nsec = (uint32_t)h->ts.tv_usec *
		     (pcap_get_tstamp_precision(in->live) ==
				      PCAP_TSTAMP_PRECISION_NANO
			      ? 1
			      : 1000);
	return 1;
}

static int
next_file(struct input *in, struct input_frame *f)
{
	struct capfile_frame cf;
	int r;

	for (;;) {
		if (in->stop)
			return 0;
		r = capfile_next(in->cf, &cf);
		if (r == CAPFILE_END) {
			if (in->number > 0 && in->supported == 0) {
				set_error(in, "unsupported link type %d (%s): "
					      "no frame could be decoded",
					  in->unsupported_lt,
					  linktype_name(in->unsupported_lt));
				return -1;
			}
			return 0;
		}
		if (r < 0) {
			set_error(in, "frame %" G_GUINT64_FORMAT ": %s",
				  (guint64)in->number + 1, capfile_error(in->cf));
			return -1;
		}
		if (in->number == UINT32_MAX) {
			set_error(in, "more than %u frames: the rest is not read",
				  UINT32_MAX);
			return -1;
		}
		in->number++;
		if (mpf_linktype_is_supported(cf.linktype))
			in->supported++;
		else
			in->unsupported_lt = cf.linktype;
		if (in->progress && in->number % PROGRESS_EVERY == 0)
			progress_tick(in);
		if (!in->o.filter || filter_pass(in, &cf))
			break;
	}
	f->number = in->number;
	f->linktype = cf.linktype;
	f->interface = cf.interface;
	f->data = cf.data;
	f->caplen = cf.caplen;
	f->wirelen = cf.wirelen;
	f->ts_sec = cf.ts_sec;
	f->ts_nsec = cf.ts_nsec;
	return 1;
}

int
input_next(struct input *in, struct input_frame *f)
{
	int r;

	if (in->o.count && in->delivered >= in->o.count)
		r = 0;
	else
		r = in->live ? next_live(in, f) : next_file(in, f);
	if (r > 0)
		in->delivered++;
	else
		progress_clear(in);
	return r;
}

const char *
input_error(const struct input *in)
{
	return in->error ? in->error : "";
}

const char *
input_name(const struct input *in)
{
	return in->name;
}

bool
input_is_live(const struct input *in)
{
	return in->live != NULL;
}

bool
input_is_rereadable(const struct input *in)
{
	return in->fp && in->own_fp && in->size > 0;
}

void
input_set_idle(struct input *in,
	       void (*fn)(int64_t ts_sec, uint32_t ts_nsec, void *user),
	       void *user)
{
	in->idle = fn;
	in->idle_user = user;
}

void
input_stop(struct input *in)
{
	in->stop = 1;
	if (in->live)
		pcap_breakloop(in->live);
}

bool
input_stats(struct input *in, char *buf, size_t len)
{
	struct pcap_stat st;

	if (!in->live || pcap_stats(in->live, &st) != 0)
		return false;
	g_snprintf(buf, len,
		   "%" G_GUINT32_FORMAT " packet%s captured, %u dropped by the "
		   "kernel",
		   in->number, in->number == 1 ? "" : "s", st.ps_drop);
	return true;
}

void
input_close(struct input *in)
{
	guint i;

	if (!in)
		return;
	progress_clear(in);
	for (i = 0; i < in->programs->len; i++) {
		struct program *p = &g_array_index(in->programs, struct program, i);

		if (p->ok)
			pcap_freecode(&p->bpf);
	}
	g_array_free(in->programs, TRUE);
	capfile_close(in->cf);
	if (in->own_fp)
		fclose(in->fp);
	if (in->live)
		pcap_close(in->live);
	g_free(in->error);
	g_free(in->name);
	g_free(in);
}

int
input_list_interfaces(FILE *out, char **msg)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	pcap_if_t *all = NULL, *d;
	unsigned i = 1;

	*msg = NULL;
	if (pcap_findalldevs(&all, err) != 0) {
		*msg = g_strdup_printf("cannot list the interfaces: %s", err);
		return -1;
	}
	for (d = all; d; d = d->next, i++) {
		fprintf(out, "%u.%s", i, d->name);
		if (d->description)
			fprintf(out, " (%s)", d->description);
		if (d->flags & PCAP_IF_LOOPBACK)
			fputs(" [Loopback]", out);
		else if (d->flags & PCAP_IF_UP)
			fputs(" [Up]", out);
		fputc('\n', out);
	}
	pcap_freealldevs(all);
	return 0;
}
