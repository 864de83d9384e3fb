/* Snapshot data operations (pure; see snapshot.h). */
#include "snapshot.h"

#include <string.h>

void snapshot_init(struct snapshot *s, enum snap_core core)
{
	memset(s, 0, sizeof *s);
	s->core = (uint8_t)core;
}

void snapshot_set(struct snapshot *s, enum reg_id r, uint32_t value)
{
	if ((unsigned)r >= REG_COUNT)
		return;
	s->val[r] = value;
	s->state[r] = SNAP_OK;
}

void snapshot_mark(struct snapshot *s, enum reg_id r, enum snap_state state)
{
	if ((unsigned)r >= REG_COUNT)
		return;
	s->val[r] = 0;
	s->state[r] = (uint8_t)state;
}

size_t snapshot_diff(const struct snapshot *a, const struct snapshot *b, int include_noisy,
		     struct snap_change *out, size_t max)
{
	size_t n = 0;

	for (int r = 0; r < REG_COUNT; r++) {
		if (!include_noisy && (regs_catalog[r].flags & REGS_F_NOISY))
			continue;
		if (a->state[r] == b->state[r] && (a->state[r] != SNAP_OK || a->val[r] == b->val[r]))
			continue;
		if (a->state[r] == SNAP_UNREAD || b->state[r] == SNAP_UNREAD)
			continue; /* not captured on one side: not a change */
		if (n < max) {
			out[n].id = (enum reg_id)r;
			out[n].before_state = a->state[r];
			out[n].after_state = b->state[r];
			out[n].before = a->val[r];
			out[n].after = b->val[r];
		}
		n++;
	}
	return n;
}
