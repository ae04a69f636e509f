/** The daemon's entry point and composition root. */
package io.jshim.daemon;
