/** Error classes of the daemon: one exception type whose kind maps to a gRPC status at the edge. */
package io.jshim.daemon.error;
