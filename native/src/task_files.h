/*
 * What the daemon records of a task for the programs that outlive it
 * (<state-dir>/tasks/<id>/cleanup, written by the daemon at Create), and
 * the process start time that, with the pid, names a process for good.
 */
#ifndef JSHIM_TASK_FILES_H
#define JSHIM_TASK_FILES_H

#include <stddef.h>

/* Field 22 of /proc/PID/stat (start time in clock ticks since boot), or -1
   when no process has PID. */
long long jshim_proc_start_time (long pid);

/* Parses a cleanup line "init PID STARTTIME" (no newline). Returns 0 and
   sets *PID and *START, or -1 for any other line. */
int jshim_parse_init_line (const char *line, long *pid, long long *start);

/* Parses a cleanup line "exec EXECID PID STARTTIME". Returns 0 and sets
   EXEC_ID (of SIZE bytes), *PID and *START, or -1 for any other line. */
int jshim_parse_exec_line (const char *line, char *exec_id, size_t size,
                           long *pid, long long *start);

#endif
