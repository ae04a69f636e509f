/** Reaping: SIGCHLD wakes one thread that reaps every exited child and routes the exit by pid. */
package io.jshim.daemon.reaper;
