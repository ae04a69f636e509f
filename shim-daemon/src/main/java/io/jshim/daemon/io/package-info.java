/** Process I/O: opening the stdio files and FIFOs a request names. */
package io.jshim.daemon.io;
