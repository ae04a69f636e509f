/** The gRPC edge: the Unix socket server, peer checks, and the proto adapters. */
package io.jshim.daemon.server;
