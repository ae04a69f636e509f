/**
 * Client library for the jshim task API: {@link io.jshim.client.ShimClient} talks to a jshim daemon over its Unix socket.
 */
package io.jshim.client;
