/* Hand-built snapshots shared by the tests and the schema check. */
#ifndef H7_SNAPFIX_H
#define H7_SNAPFIX_H

#include "snapshot.h"

/* Every register captured (values from a fixed generator), a precise bus
 * fault with BFARVALID at 0x1FFF9804 escalated to HardFault, an exception frame
 * on MSP, ABFSR absent and OTG_HS_CID unreadable, halted at t = 12.5 ms. */
void tu_full_snapshot(struct snapshot *s);

#endif
