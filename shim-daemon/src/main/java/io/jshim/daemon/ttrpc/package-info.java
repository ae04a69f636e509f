/**
 * containerd's ttrpc protocol on a Unix socket: frames, a server that forwards each request to the
 * daemon's own gRPC services through an in-process channel, and a client. Plain Netty on epoll;
 * knows nothing of tasks, spawning or the system layer.
 */
package io.jshim.daemon.ttrpc;
