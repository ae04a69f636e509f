package io.jshim.client.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * jshimctl's logging, set up in code: warnings and errors of the libraries (gRPC's Netty) on stderr, so that stdout
 * stays the command's. Found by logback through {@code META-INF/services}.
 *
 * <p>In code rather than in an XML file because logback's XML configurator and the JDK's XML parser were about 480
 * of the 4600 classes a {@code jshimctl status} loaded, and 60 ms of its CPU in a profile. A file named by
 * {@code -Dlogback.configurationFile} still wins: this configurator then steps aside.
 */
public final class CtlLogConfigurator extends ContextAwareBase implements Configurator {
  static final String PATTERN = "jshimctl: %level %logger{30}: %msg%n";

  private final Map<Object, Object> properties;

  /** The configurator logback instantiates: the process's system properties. */
  public CtlLogConfigurator() {
    this(System.getProperties());
  }

  CtlLogConfigurator(Map<Object, Object> properties) {
    this.properties = Objects.requireNonNull(properties, "properties");
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (properties.get("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
    // gRPC asks every client transport for SO_KEEPALIVE, which Unix sockets lack: harmless, not worth a line
    context.getLogger("io.grpc.netty.shaded.io.netty.bootstrap").setLevel(Level.ERROR);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
