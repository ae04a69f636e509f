/** Process facts read from /proc (plain file reads, no native calls). */
package io.jshim.daemon.proc;
