/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: one frame's result in the store's packed form, and reading
 * one field of a record in any form
 *
 * Private to the library; included by mpf-private.h. The frame getters
 * read a field here, inline: a row of `frames` reads fifteen, and a call
 * and a whole unpack for each cost as much as formatting the row. Only
 * frames.c writes a packed slot.
 */
#ifndef MPF_FRAME_H
#define MPF_FRAME_H

/* The fields of a frame, for reading one without unpacking the rest. */
enum mpf__field {
	MPF_FIELD_STATUS, MPF_FIELD_PROTOCOL, MPF_FIELD_DIR, MPF_FIELD_FLAGS,
	MPF_FIELD_OPTS, MPF_FIELD_NUMBER, MPF_FIELD_NODE, MPF_FIELD_FLOW,
	MPF_FIELD_PAYLOAD_LEN, MPF_FIELD_VAL0, MPF_FIELD_VAL1, MPF_FIELD_REF0,
	MPF_FIELD_REF1, MPF_FIELD_REF2, MPF_FIELD_BFLAGS,
};

/* status: the frame's status in the low 5 bits (-8..1 fit), then */
#define MPF_PK_STATUS_MASK 0x1fu
#define MPF_PK_VAL0_HI 0x20u /* flow is none: its slot holds val[0] >> 32
			      * (a LISP control nonce) */

/* meta: the form (MPF_FORM_*), then these bits */
#define MPF_PK_FORM 0x03u
#define MPF_PK_PROTO_SHIFT 2 /* 2 bits */
#define MPF_PK_DIR 0x10u
#define MPF_PK_VAL0 0x20u
#define MPF_PK_VAL1 0x40u
#define MPF_PK_AUX_REF1 0x80u /* aux holds ref[1], else opts */

struct mpf_packed {
	uint8_t meta;
	uint8_t status;      /* MPF_PK_STATUS_MASK and MPF_PK_VAL0_HI */
	uint16_t payload_len;
	uint32_t number;
	union {
		struct {
			uint32_t node, flow;
			uint32_t val0, val1;
			uint16_t ref0;   /* number - ref[0] + 1; 0: none */
			uint16_t aux_lo; /* opts, or ref[1] (24 bits) */
			uint8_t aux_hi;
			uint8_t bflags[3];
		} p;
		struct mpf_frame *ext; /* MPF_FORM_EXT */
	} u;
};

G_STATIC_ASSERT(sizeof(struct mpf_packed) == 32);

/* Field @k of packed slot @p: unpack() and mpf__frame_field() read a slot
 * through this one switch, which folds away for a constant @k. */
static inline uint64_t
mpf__packed_field(const struct mpf_packed *p, enum mpf__field k)
{
	bool hi = (p->status & MPF_PK_VAL0_HI) != 0;
	bool ref1 = (p->meta & MPF_PK_AUX_REF1) != 0;
	uint32_t aux = (uint32_t)p->u.p.aux_hi << 16 | p->u.p.aux_lo;

	switch (k) {
	case MPF_FIELD_STATUS: /* sign-extend the 5-bit status */
		return (uint64_t)(int64_t)((int)(p->status & MPF_PK_STATUS_MASK) -
					   ((p->status & 0x10) ? 32 : 0));
	case MPF_FIELD_PROTOCOL:
		return (p->meta >> MPF_PK_PROTO_SHIFT) & 3;
	case MPF_FIELD_DIR:
		return (p->meta & MPF_PK_DIR) ? 1 : 0;
	case MPF_FIELD_FLAGS:
		return ((p->meta & MPF_PK_VAL0) ? MPF_FRAME_HAS_VAL0 : 0) |
		       ((p->meta & MPF_PK_VAL1) ? MPF_FRAME_HAS_VAL1 : 0);
	case MPF_FIELD_OPTS:
		return ref1 ? 0 : (uint16_t)aux;
	case MPF_FIELD_NUMBER:
		return p->number;
	case MPF_FIELD_NODE:
		return p->u.p.node;
	case MPF_FIELD_FLOW:
		return hi ? MPF_ID_NONE : p->u.p.flow;
	case MPF_FIELD_PAYLOAD_LEN:
		return p->payload_len;
	case MPF_FIELD_VAL0:
		return p->u.p.val0 | (hi ? (uint64_t)p->u.p.flow << 32 : 0);
	case MPF_FIELD_VAL1:
		return p->u.p.val1;
	case MPF_FIELD_REF0:
		return p->u.p.ref0 ? p->number - (p->u.p.ref0 - 1u) : 0;
	case MPF_FIELD_REF1:
		return ref1 ? aux : 0;
	case MPF_FIELD_REF2:
		return 0;
	case MPF_FIELD_BFLAGS:
		return (uint32_t)p->u.p.bflags[0] |
		       (uint32_t)p->u.p.bflags[1] << 8 |
		       (uint32_t)p->u.p.bflags[2] << 16;
	}
	return 0;
}

/* Field @k of a full record. */
static inline uint64_t
mpf__full_field(const struct mpf_frame *f, enum mpf__field k)
{
	switch (k) {
	case MPF_FIELD_STATUS:
		return (uint64_t)(int64_t)f->status;
	case MPF_FIELD_PROTOCOL:
		return f->protocol;
	case MPF_FIELD_DIR:
		return f->dir;
	case MPF_FIELD_FLAGS:
		return f->flags;
	case MPF_FIELD_OPTS:
		return f->opts;
	case MPF_FIELD_NUMBER:
		return f->number;
	case MPF_FIELD_NODE:
		return f->node;
	case MPF_FIELD_FLOW:
		return f->flow;
	case MPF_FIELD_PAYLOAD_LEN:
		return f->payload_len;
	case MPF_FIELD_VAL0:
		return f->val[0];
	case MPF_FIELD_VAL1:
		return f->val[1];
	case MPF_FIELD_REF0:
		return f->ref[0];
	case MPF_FIELD_REF1:
		return f->ref[1];
	case MPF_FIELD_REF2:
		return f->ref[2];
	case MPF_FIELD_BFLAGS:
		return f->bflags;
	}
	return 0;
}

static inline uint64_t
mpf__frame_field(const struct mpf_frame *f, enum mpf__field k)
{
	const struct mpf_packed *p = (const void *)f;

	switch (p->meta & MPF_PK_FORM) {
	case MPF_FORM_PACKED:
		return mpf__packed_field(p, k);
	case MPF_FORM_EXT:
		return mpf__full_field(p->u.ext, k);
	default:
		return mpf__full_field(f, k);
	}
}

static inline uint64_t
mpf__frame_field_of(const struct mpf_frame *f, enum mpf_protocol protocol,
		    enum mpf__field k, uint64_t none)
{
	if (!f || mpf__frame_field(f, MPF_FIELD_PROTOCOL) != (uint64_t)protocol)
		return none;
	return mpf__frame_field(f, k);
}

/* Value slot @slot (0 or 1) of @f into *@val (when @val is not NULL):
 * false, *@val untouched, when @f is NULL, of another protocol than
 * @protocol or has no value there. The backends' value getters. */
static inline bool
mpf__frame_value(const struct mpf_frame *f, enum mpf_protocol protocol,
		 unsigned slot, uint64_t *val)
{
	static const uint16_t has[2] = {MPF_FRAME_HAS_VAL0, MPF_FRAME_HAS_VAL1};

	if (slot > 1 || !f ||
	    mpf__frame_field(f, MPF_FIELD_PROTOCOL) != (uint64_t)protocol ||
	    !(mpf__frame_field(f, MPF_FIELD_FLAGS) & has[slot]))
		return false;
	if (val)
		*val = mpf__frame_field(f, slot ? MPF_FIELD_VAL1 : MPF_FIELD_VAL0);
	return true;
}

#endif
