/**
 * Checkpoint and restore of a task's process tree with CRIU's {@code criu} binary, run through the native helper
 * ({@link io.jshim.daemon.spawn.Spawner#run}) so that the daemon never forks. Knows nothing of gRPC or of tasks:
 * it is given pids, directories, file descriptors and mounts.
 */
package io.jshim.daemon.checkpoint;
