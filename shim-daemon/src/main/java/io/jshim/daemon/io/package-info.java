/**
 * Process I/O: opening the stdio files and FIFOs a request names, and copying a process's streams on the one
 * {@link io.jshim.daemon.io.IoLoop} thread ({@link io.jshim.daemon.io.ProcessIo}).
 */
package io.jshim.daemon.io;
