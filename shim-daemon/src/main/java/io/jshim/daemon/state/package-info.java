/**
 * The daemon's durable state: one directory per task under {@code <state-dir>/tasks}, written atomically, read
 * back when the daemon starts. Implements {@link io.jshim.daemon.task.TaskStore}; knows no gRPC, JNR or kernel.
 */
package io.jshim.daemon.state;
