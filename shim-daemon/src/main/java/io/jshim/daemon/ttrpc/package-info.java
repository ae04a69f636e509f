/**
 * containerd's ttrpc protocol on a Unix socket: frames, a server that forwards each request to the
 * daemon's own gRPC services through an in-process channel, and a client. Netty on epoll, the copy that
 * grpc-netty-shaded carries: a second, unshaded Netty would load its classes, native library and buffer pools
 * a second time in every daemon. Knows nothing of tasks, spawning or the system layer.
 */
package io.jshim.daemon.ttrpc;
