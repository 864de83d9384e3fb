/* Jump recipes: named lists of probe firmware steps, and what each step is.
 *
 * Pure data. The step numbers are the probe ABI (include/h7jumpdiag/probe_abi.h);
 * the code of each step is in firmware-probe/probe.c. Findings are never
 * derived from a recipe's name: rules look at what the steps measured.
 */
#ifndef H7_RECIPE_H
#define H7_RECIPE_H

#include <stdint.h>

#include "h7jumpdiag/probe_abi.h"

enum recipe_addr {
	RECIPE_ADDR_SEED = 0, /* 0x1FFF9800, the address of the original report (wrong for every STM32) */
	RECIPE_ADDR_PART = 1  /* the detected part's entry (AN2606), e.g. 0x1FF09800 on the H745 */
};

#define RECIPE_SEED_ADDR 0x1FFF9800u

struct step_info {
	enum probe_step id;
	const char *name;    /* stable, kebab-case: used in reports and JSON */
	const char *title;   /* one line: what the code does */
	const char *code;    /* the C it stands for */
	const char *explain; /* teaching text (--explain) */
	uint8_t is_setup;    /* recreates application state; not part of the jump itself */
	uint8_t is_branch;   /* transfers control to the bootloader */
};

struct recipe {
	const char *name;
	const char *summary; /* one line for --list-recipes */
	enum recipe_addr addr;
	uint8_t n_steps;
	uint8_t steps[PROBE_MAX_STEPS];
};

/* The recipes, in --list-recipes order; NULL-terminated by name. */
extern const struct recipe recipe_table[];

const struct recipe *recipe_find(const char *name);
/* Step description by id, or NULL. */
const struct step_info *recipe_step_info(enum probe_step id);
/* Step by name, or NULL. */
const struct step_info *recipe_step_by_name(const char *name);

/* Setup options that recreate the application's state before the jump. */
struct recipe_setup {
	int with_caches; /* the application enabled I/D-caches (properly) */
	int with_cdc;    /* the application's USB CDC device is connected */
	int from_isr;    /* the jump runs inside an interrupt handler */
};

/* Build the full step list: setup steps, then the recipe's. Returns the number
 * of steps or H7_ERROR_OVERFLOW when they do not fit in PROBE_MAX_STEPS. */
int recipe_expand(const struct recipe *r, const struct recipe_setup *setup, uint8_t *out, int max);

#endif
