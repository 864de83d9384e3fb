/* h7sim - fault injection (see inject.h). */
#include "inject.h"

#include "simlog.h"
#include "soc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INJECT_MAX_WORDS 6
#define INJECT_MAX_AFTER 1000000000ull
#define INJECT_MAX_COUNT 1000000ull
#define INJECT_MAX_INSTR 1000000000000ull
#define INJECT_MAX_SLOW_US 1000000ull
#define INJECT_MAX_PERIOD_MS 60000ull

/* RCC_RSR flags of an independent-watchdog reset: IWDG1RSTF, and PINRSTF since
 * an internal reset source drives the NRST pin low (RM0399 RCC "Reset source
 * identification" and "System reset"; bit positions from the STM32H745 SVD). */
#define INJECT_RSR_IWDG1 ((1u << 26) | (1u << 22))

static const char *const inject_at_name[INJECT_AT_COUNT] = { "reset", "lockup", "power-loss" };

static void inject_fire(struct soc *s, unsigned k);

struct inject_args {
	char word[INJECT_MAX_WORDS][72];
	unsigned n;
};

/* split on spaces; false when there are too many words or one is too long */
static bool inject_split(const char *s, struct inject_args *a)
{
	a->n = 0;
	while (s && *s) {
		size_t len;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		len = strcspn(s, " ");
		if (a->n >= INJECT_MAX_WORDS || len >= sizeof(a->word[0]))
			return false;
		memcpy(a->word[a->n], s, len);
		a->word[a->n][len] = 0;
		a->n++;
		s += len;
	}
	return true;
}

/* value of key=... among words[1..]; NULL if absent */
static const char *inject_value(const struct inject_args *a, const char *key)
{
	size_t kl = strlen(key);

	for (unsigned i = 1; i < a->n; i++)
		if (!strncmp(a->word[i], key, kl) && a->word[i][kl] == '=')
			return a->word[i] + kl + 1;
	return NULL;
}

/* every key is one of the allowed ones (NULL-terminated list) */
static const char *inject_unknown_key(const struct inject_args *a, const char *const *keys)
{
	for (unsigned i = 1; i < a->n; i++) {
		bool ok = false;

		for (const char *const *k = keys; *k && !ok; k++) {
			size_t kl = strlen(*k);

			ok = !strncmp(a->word[i], *k, kl) && a->word[i][kl] == '=';
		}
		if (!ok)
			return a->word[i];
	}
	return NULL;
}

static bool inject_num(const char *v, unsigned long long max, unsigned long long *out)
{
	char *end;

	if (!v || !*v || *v == '-' || *v == '+' || *v == ' ')
		return false;
	*out = strtoull(v, &end, 0);
	return !*end && *out <= max;
}

/* the printable form of a word for an error message */
static const char *inject_clean(char *w)
{
	for (char *p = w; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7F || *p == '=' || *p == '\'')
			*p = '?';
	return w;
}

static void inject_list(const struct soc *s, char *reply, size_t cap)
{
	const struct inject *in = &s->inj;
	char buf[256];
	size_t n = 0;

#define ADD(...) n += (size_t)snprintf(buf + n, n < sizeof(buf) ? sizeof(buf) - n : 0, __VA_ARGS__)
	buf[0] = 0;
	if (in->sticky_armed)
		ADD("%ssticky-error", n ? "," : "");
	for (unsigned k = 0; k < INJECT_AT_COUNT; k++)
		if (in->at_armed[k])
			ADD("%s%s", n ? "," : "", inject_at_name[k]);
	if (in->cm4_otg)
		ADD("%scm4-otg", n ? "," : "");
	if (in->flap_period_ns)
		ADD("%susb-flap", n ? "," : "");
	if (in->no_enumerate)
		ADD("%sno-enumerate", n ? "," : "");
	if (in->slow_us)
		ADD("%sslow", n ? "," : "");
#undef ADD
	snprintf(reply, cap, "ok armed=%s", n ? buf : "none");
}

void inject_command(struct soc *s, const char *args, char *reply, size_t cap)
{
	static const char *const no_keys[] = { NULL };
	static const char *const sticky_keys[] = { "addr", "after", "count", NULL };
	static const char *const at_keys[] = { "at-instr", NULL };
	static const char *const flap_keys[] = { "period-ms", NULL };
	struct inject *in = &s->inj;
	struct inject_args a;
	const char *kind, *bad;
	unsigned long long v;

	if (!inject_split(args, &a) || !a.n) {
		snprintf(reply, cap, "err usage: inject sticky-error|reset|lockup|power-loss|cm4-otg|usb-flap|"
				     "no-enumerate|slow-ms=N|slow-us=N|clear|list [key=value ...]");
		return;
	}
	kind = a.word[0];
	if (!strncmp(kind, "slow-ms=", 8) || !strncmp(kind, "slow-us=", 8)) {
		/* the one kind whose value is in its own word */
		unsigned long long scale = kind[5] == 'm' ? 1000 : 1;

		if (a.n != 1 || !inject_num(kind + 8, INJECT_MAX_SLOW_US / scale, &v)) {
			snprintf(reply, cap, "err %.7s wants 0..%llu (delay per JTAG reply)", kind, INJECT_MAX_SLOW_US / scale);
			return;
		}
		in->slow_us = (unsigned)(v * scale);
		sim_info("inject: JTAG replies delayed by %u us", in->slow_us);
		snprintf(reply, cap, "ok slow_us=%u", in->slow_us);
		return;
	}
	if (!strcmp(kind, "sticky-error")) {
		const char *addr = inject_value(&a, "addr"), *after = inject_value(&a, "after"),
			   *count = inject_value(&a, "count");
		unsigned long long av = 0, sk = 0, cn = 1;

		if ((bad = inject_unknown_key(&a, sticky_keys))) {
			char w[72];

			snprintf(w, sizeof(w), "%s", bad);
			snprintf(reply, cap, "err sticky-error: unknown argument '%s' (addr=, after=, count=)",
				 inject_clean(w));
			return;
		}
		if ((addr && !inject_num(addr, 0xFFFFFFFFull, &av)) || (after && !inject_num(after, INJECT_MAX_AFTER, &sk)) ||
		    (count && (!inject_num(count, INJECT_MAX_COUNT, &cn) || cn == 0))) {
			snprintf(reply, cap, "err sticky-error: addr=0..0xFFFFFFFF, after=0..%llu, count=1..%llu",
				 INJECT_MAX_AFTER, INJECT_MAX_COUNT);
			return;
		}
		in->sticky_armed = true;
		in->sticky_any_addr = addr == NULL;
		in->sticky_addr = (uint32_t)av & ~3u;
		in->sticky_skip = sk;
		in->sticky_left = cn;
		sim_info("inject: sticky error on %s%s after %llu access(es), %llu time(s)",
			 addr ? "the accesses to " : "any access", addr ? addr : "", sk, cn);
		if (addr)
			snprintf(reply, cap, "ok addr=0x%08X after=%llu count=%llu", in->sticky_addr, sk, cn);
		else
			snprintf(reply, cap, "ok addr=any after=%llu count=%llu", sk, cn);
		return;
	}
	for (unsigned k = 0; k < INJECT_AT_COUNT; k++) {
		const char *at;

		if (strcmp(kind, inject_at_name[k]))
			continue;
		if ((bad = inject_unknown_key(&a, at_keys))) {
			char w[72];

			snprintf(w, sizeof(w), "%s", bad);
			snprintf(reply, cap, "err %s: unknown argument '%s' (at-instr=)", kind, inject_clean(w));
			return;
		}
		at = inject_value(&a, "at-instr");
		v = 0;
		if (at && !inject_num(at, INJECT_MAX_INSTR, &v)) {
			snprintf(reply, cap, "err %s: at-instr wants 0..%llu", kind, INJECT_MAX_INSTR);
			return;
		}
		snprintf(reply, cap, "ok at_instr=%llu", v);
		if (!at && k != INJECT_AT_LOCKUP) {
			/* a reset or a power loss needs no running core: now */
			snprintf(reply, cap, "ok");
			inject_fire(s, k);
			return;
		}
		in->at_armed[k] = true;
		in->at_left[k] = v;
		sim_info("inject: %s after %llu CM7 instruction(s)", kind, v);
		return;
	}
	if (!strcmp(kind, "usb-flap")) {
		const char *p = inject_value(&a, "period-ms");

		if (inject_unknown_key(&a, flap_keys) || !p || !inject_num(p, INJECT_MAX_PERIOD_MS, &v)) {
			snprintf(reply, cap, "err usb-flap wants period-ms=N (1..%llu; 0 stops it)", INJECT_MAX_PERIOD_MS);
			return;
		}
		in->flap_period_ns = v * 1000000ull;
		in->flap_next_ns = s->sim_ns + in->flap_period_ns;
		if (!v && in->cable_down)
			usbbus_set_cable(s, true);
		sim_info("inject: USB cable flaps every %llu ms", v);
		snprintf(reply, cap, "ok period_ms=%llu", v);
		return;
	}
	if (!strcmp(kind, "cm4-otg") || !strcmp(kind, "no-enumerate") || !strcmp(kind, "clear") ||
	    !strcmp(kind, "list")) {
		if (inject_unknown_key(&a, no_keys)) {
			snprintf(reply, cap, "err %s takes no arguments", kind);
			return;
		}
		if (!strcmp(kind, "cm4-otg")) {
			in->cm4_otg = true;
			snprintf(reply, cap, "ok");
		} else if (!strcmp(kind, "no-enumerate")) {
			in->no_enumerate = true;
			snprintf(reply, cap, "ok");
		} else if (!strcmp(kind, "list")) {
			inject_list(s, reply, cap);
		} else {
			struct inject_stats keep = in->st;
			bool down = in->cable_down;

			memset(in, 0, sizeof(*in));
			in->st = keep;
			in->cable_down = down;
			if (down)
				usbbus_set_cable(s, true);
			sim_info("inject: cleared");
			snprintf(reply, cap, "ok");
		}
		return;
	}
	snprintf(reply, cap, "err unknown injection '%s'", inject_clean(a.word[0]));
}

void inject_describe_stats(const struct soc *s, char *buf, size_t cap)
{
	const struct inject_stats *st = &s->inj.st;

	snprintf(buf, cap,
		 " inject_sticky_errors=%llu inject_resets=%llu inject_lockups=%llu inject_power_losses=%llu"
		 " inject_usb_flaps=%llu inject_enum_refused=%llu inject_slow_replies=%llu inject_cm4_otg_writes=%llu",
		 (unsigned long long)st->sticky_errors, (unsigned long long)st->resets, (unsigned long long)st->lockups,
		 (unsigned long long)st->power_losses, (unsigned long long)st->usb_flaps,
		 (unsigned long long)st->enum_refused, (unsigned long long)st->slow_replies,
		 (unsigned long long)st->cm4_otg_writes);
}

bool inject_ap_fault(struct soc *s, unsigned ap, uint32_t addr)
{
	struct inject *in = &s->inj;

	if (!in->sticky_armed || (!in->sticky_any_addr && (addr & ~3u) != in->sticky_addr))
		return false;
	if (in->sticky_skip) {
		in->sticky_skip--;
		return false;
	}
	in->st.sticky_errors++;
	if (--in->sticky_left == 0)
		in->sticky_armed = false;
	sim_info("inject: AP%u access to 0x%08X fails (STICKYERR)", ap, addr);
	return true;
}

uint64_t inject_cm7_budget(const struct soc *s)
{
	uint64_t b = UINT64_MAX;

	for (unsigned k = 0; k < INJECT_AT_COUNT; k++)
		if (s->inj.at_armed[k] && s->inj.at_left[k] < b)
			b = s->inj.at_left[k];
	return b;
}

static void inject_fire(struct soc *s, unsigned k)
{
	struct inject *in = &s->inj;
	struct core *c = &s->core[CORE_CM7];

	in->at_armed[k] = false;
	switch (k) {
	case INJECT_AT_RESET:
		in->st.resets++;
		sim_info("inject: watchdog reset at CM7 pc 0x%08X", ucpu_pc(c));
		soc_system_reset_flags(s, "injected IWDG1 reset", INJECT_RSR_IWDG1);
		break;
	case INJECT_AT_LOCKUP:
		in->st.lockups++;
		exc_lockup(c, "injected");
		break;
	default:
		in->st.power_losses++;
		sim_warn("inject: power loss at CM7 pc 0x%08X: exiting without a word", ucpu_pc(c));
		in->power_lost = true;
		s->power = false;
		break;
	}
}

static bool inject_cm7_can_run(const struct soc *s)
{
	const struct core *c = &s->core[CORE_CM7];

	return s->power && !c->off && !c->halted && !c->lockup;
}

void inject_before_cm7(struct soc *s)
{
	for (unsigned k = 0; k < INJECT_AT_COUNT && s->power; k++)
		if (s->inj.at_armed[k] && !s->inj.at_left[k] && inject_cm7_can_run(s))
			inject_fire(s, k);
}

void inject_after_cm7(struct soc *s, uint64_t n)
{
	for (unsigned k = 0; k < INJECT_AT_COUNT && s->power; k++) {
		if (!s->inj.at_armed[k])
			continue;
		s->inj.at_left[k] -= n < s->inj.at_left[k] ? n : s->inj.at_left[k];
		if (!s->inj.at_left[k] && n)
			inject_fire(s, k);
	}
}

void inject_round(struct soc *s)
{
	struct core *c7 = &s->core[CORE_CM7], *c4 = &s->core[CORE_CM4];
	uint32_t dctl;

	/* "during the jump": once the CM7 executes system memory, a running CM4
	 * (an application on it still driving the USB peripheral) sets DCTL.SDIS
	 * whenever it finds it clear: the D+ pull-up goes off (RM0399 OTG "Device
	 * control register", SDIS: soft disconnect). A halted core writes nothing. */
	if (!s->inj.cm4_otg || !s->power || c4->off || c4->halted || c4->lockup || c7->off ||
	    ucpu_pc(c7) - SOC_SYSMEM_BASE >= SOC_SYSMEM_SIZE)
		return;
	if (soc_mmio_read(s, MASTER_CM4, OTG_FS_BASE + OTG_DCTL, 4, &dctl) < 0 || (dctl & OTG_DCTL_SDIS))
		return;
	if (soc_mmio_write(s, MASTER_CM4, OTG_FS_BASE + OTG_DCTL, 4, dctl | OTG_DCTL_SDIS) == 0) {
		if (!s->inj.st.cm4_otg_writes)
			sim_info("inject: the CM4 sets OTG_FS DCTL.SDIS");
		s->inj.st.cm4_otg_writes++;
	}
}
