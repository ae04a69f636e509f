/** The daemon's immutable configuration. */
package io.jshim.daemon.config;
