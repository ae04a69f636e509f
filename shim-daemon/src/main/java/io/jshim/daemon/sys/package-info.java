/**
 * Operating-system access: system calls through JNR (the only package that imports {@code jnr.*}),
 * signals and /proc.
 */
package io.jshim.daemon.sys;
