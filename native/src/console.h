/*
 * --console: the workload gets a new pseudo-terminal as its controlling
 * terminal and stdio, and the daemon gets the master (sent by the workload
 * as a CONSOLE record, see sync.h).
 *
 * Error contract: jshim_console_open returns 0, or -1 with ERR filled
 * (stage CONSOLE, a message naming the call: "open /dev/ptmx: ...",
 * "TIOCGPTPEER: ...", "TIOCSCTTY: ...").
 */
#ifndef JSHIM_CONSOLE_H
#define JSHIM_CONSOLE_H

#include "error.h"

/*
 * Open a pty with the current root's /dev/ptmx (so a container's devpts
 * when /dev/ptmx leads there), unlock it, open its slave through the
 * master (TIOCGPTPEER; by name only on kernels without it), make the slave
 * our controlling terminal (the caller must be a session leader without
 * one, i.e. after setsid) and fds 0, 1 and 2.  *MASTER receives the master
 * (O_CLOEXEC); no other descriptor of the pty stays open.
 */
int jshim_console_open (int *master, jshim_error_t *err);

#endif /* JSHIM_CONSOLE_H */
