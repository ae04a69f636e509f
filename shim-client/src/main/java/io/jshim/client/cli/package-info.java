/**
 * The {@code jshimctl} command line: one picocli command class per verb, {@link io.jshim.client.cli.JshimCtl} as main.
 */
package io.jshim.client.cli;
