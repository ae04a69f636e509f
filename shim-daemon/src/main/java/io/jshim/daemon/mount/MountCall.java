package io.jshim.daemon.mount;

/**
 * One mount(2) call on the rootfs target.
 *
 * @param source the source, null for a remount or a propagation change
 * @param type the filesystem type, null where the kernel ignores it (bind, remount, propagation)
 * @param flags the {@code MS_*} flags
 * @param data the filesystem options, null for none
 */
public record MountCall(String source, String type, long flags, String data) {}
