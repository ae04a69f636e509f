package io.jshim.daemon.server;

/** The credentials of the process at the other end of a Unix socket connection (SO_PEERCRED). */
record Peer(int pid, int uid, int gid) {}
