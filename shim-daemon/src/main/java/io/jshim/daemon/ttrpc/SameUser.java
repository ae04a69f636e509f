package io.jshim.daemon.ttrpc;

/**
 * Who may connect to the ttrpc socket: exactly the daemon's effective uid and gid, as containerd's
 * {@code UnixSocketRequireSameUser} handshaker demands (root is not exempt).
 *
 * @param uid the daemon's effective uid
 * @param gid the daemon's effective gid
 */
public record SameUser(int uid, int gid) {
  /** Whether a peer with these credentials (from SO_PEERCRED) may connect. */
  public boolean admits(int peerUid, int peerGid) {
    return peerUid == uid && peerGid == gid;
  }
}
