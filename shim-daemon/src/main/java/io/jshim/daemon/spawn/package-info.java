/** Spawning workloads through the native helper, guarded by the xor fork gate. */
package io.jshim.daemon.spawn;
