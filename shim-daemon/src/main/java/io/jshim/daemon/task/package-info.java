/** The task domain: containers, their processes and the process state machine. */
package io.jshim.daemon.task;
