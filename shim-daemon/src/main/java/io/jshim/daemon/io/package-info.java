/**
 * Process I/O: the stdio FIFOs and files a request names, opened without blocking; the copy pumps on the daemon's
 * one epoll thread; a terminal's master side; and the per-task container log in the CRI format.
 */
package io.jshim.daemon.io;
