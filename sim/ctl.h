/* h7sim - the control socket, protocol 1 (documented in sim/README.md and
 * man/h7sim.1; h7jumpdiag's USB watcher and the USB test harness are clients).
 *
 * TCP on 127.0.0.1; ASCII lines ending in "\n", at most 1024 bytes; several
 * clients at once; one reply line per command (`ok[ key=value ...]` or
 * `err <message>`); asynchronous `event ...` lines only for subscribers, never
 * inside a reply line.
 */
#ifndef H7SIM_CTL_H
#define H7SIM_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct soc;

#define CTL_MAX_LINE 1024
#define CTL_MAX_CLIENTS 16
#define CTL_OUT_MAX (256 * 1024) /* a subscriber that stops reading is dropped */

enum ctl_action { CTL_NONE = 0, CTL_SUBSCRIBE, CTL_UNSUBSCRIBE, CTL_QUIT };

struct ctl_info {
	const char *version;
	int rbb_port, ctl_port;
	const uint64_t *jtag_scans;
};

/* Execute one command line (without its "\n"); writes the reply line (without
 * "\n") into reply. A pure function of the simulator state: no I/O. */
enum ctl_action ctl_execute(struct soc *s, const struct ctl_info *info, const char *line, char *reply, size_t cap);

struct ctl_client {
	int fd;
	char in[CTL_MAX_LINE + 1];
	size_t in_len;
	bool discarding;     /* inside an over-long line */
	char *out;
	size_t out_len, out_cap;
	bool subscribed;
};

struct ctl {
	int listen_fd;
	struct ctl_client cl[CTL_MAX_CLIENTS];
	struct soc *soc;
	struct ctl_info info;
	bool quit;
};

void ctl_init(struct ctl *c, struct soc *s, int listen_fd, const struct ctl_info *info);
void ctl_fini(struct ctl *c);
/* a new connection is waiting */
void ctl_accept(struct ctl *c);
/* client i is readable / writable */
void ctl_read(struct ctl *c, unsigned i);
void ctl_flush(struct ctl *c, unsigned i);
/* soc event callback (ctx = struct ctl *) */
void ctl_event(void *ctx, const char *line);

#endif
