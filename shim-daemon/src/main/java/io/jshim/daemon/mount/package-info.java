/**
 * Mounts a task's root filesystem from containerd's mount list: turns each {@code containerd.types.Mount} into
 * mount(2) calls ({@link io.jshim.daemon.mount.MountPlan}) and makes them through {@code sys}
 * ({@link io.jshim.daemon.mount.KernelRootfsMounter}).
 */
package io.jshim.daemon.mount;
