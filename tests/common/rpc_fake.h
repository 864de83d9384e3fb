/* A fake OpenOCD Tcl server for unit tests: replays a recorded transcript.
 *
 * Transcript format (what ocd_rpc_set_record() / $H7_RPC_RECORD write):
 *   "# ..."        comment
 *   "> REQUEST"    the next request the client must send (byte-exact after unescaping)
 *   "< FRAME"      a frame the server sends (a reply or a notification), 0x1a appended
 *   "! sleep MS"   pause (to provoke client timeouts)
 *   "! close"      close the connection
 *   "! raw TEXT"   send TEXT without the 0x1a terminator
 *   "! big N"      send a frame of N bytes ('7') and 0x1a
 * Escapes: \\ \n \r \t \xHH. Any request that differs from the transcript,
 * comes when none is expected, or is missing, makes rpc_fake_finish() return
 * an error message.
 */
#ifndef H7_RPC_FAKE_H
#define H7_RPC_FAKE_H

#include <stddef.h>
#include <stdint.h>

struct rpc_fake;

/* Start serving `script` (transcript text) on 127.0.0.1 on a free port. */
struct rpc_fake *rpc_fake_start(const char *script);
/* Start from a transcript file; NULL if it cannot be read. */
struct rpc_fake *rpc_fake_start_file(const char *path);
uint16_t rpc_fake_port(const struct rpc_fake *f);
/* Wait for the server to finish (the client must have closed its connection
 * or the script must have ended with "! close"); NULL when the conversation
 * matched the transcript, else a message (static storage, valid until free). */
const char *rpc_fake_finish(struct rpc_fake *f);
void rpc_fake_free(struct rpc_fake *f);
/* Unescape one transcript line body; returns malloc'd bytes and *len. */
char *rpc_fake_unescape(const char *s, size_t *len);

#endif
