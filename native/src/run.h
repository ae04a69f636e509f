/*
 * jshim-spawn --run: run one program to completion for the daemon and
 * report how it ended on the sync socket (fd 3).
 *
 *   jshim-spawn --run [--cgroup DIR]... [--fds N] [--timeout S]
 *               [--bind-self DIR] -- PATH [ARGS...]
 *
 * The program is forked (not cloned with CLONE_PARENT): the helper waits
 * for it, so its exit never reaches the daemon's reaper.  It gets the
 * helper's fds 0-2 and, with --fds N, fds 4 .. 3+N (every other fd is
 * closed, the sync socket among them); it runs in the --cgroup
 * directories.  With --bind-self DIR it runs in a private copy of the
 * helper's mount namespace in which DIR is bind-mounted onto itself (CRIU
 * restores a mount namespace only onto a mount point).
 *
 * Report: READY when it exited with status 0; an ERROR record of stage
 * RUN otherwise ("PATH exited with status N", "PATH was killed by signal
 * N", "PATH did not finish within S s and was killed"), of stage EXEC when
 * it could not be executed, of stage ARGS or CGROUP for the helper's own
 * failures.  A --timeout of 0 (the default) waits as long as it takes.
 */
#ifndef JSHIM_RUN_H
#define JSHIM_RUN_H

/* Entry point of --run; ARGV[1] is "--run".  Returns the exit code. */
int jshim_run_main (int argc, char **argv);

#endif /* JSHIM_RUN_H */
