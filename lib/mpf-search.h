/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * \summary: the one binary search (a lower bound), for the library and
 * the CLI
 *
 * Header only and not installed. GLib's g_array_binary_search() finds
 * only an equal element; every search here wants the first position at
 * which a sorted sequence stops being "below" a key (where to insert,
 * where a range starts), over ranges that do not start at 0.
 */
#ifndef MPF_SEARCH_H
#define MPF_SEARCH_H

/*
 * Moves @lo to the first index in [@lo, @hi) for which @below is false,
 * or to @hi when there is none; @hi ends equal to @lo. @below is an
 * expression of @mid, the index the macro declares (of @lo's type); it
 * must be true for a leading run of indices and false after it (a
 * sequence sorted by the key). @lo and @hi are evaluated many times.
 */
#define MPF_LOWER_BOUND(lo, hi, mid, below)                                  \
	do {                                                                 \
		while ((lo) < (hi)) {                                        \
			__typeof__(lo) mid = (lo) + ((hi) - (lo)) / 2;       \
									     \
			if (below)                                           \
				(lo) = mid + 1;                              \
			else                                                 \
				(hi) = mid;                                  \
		}                                                            \
	} while (0)

#endif
