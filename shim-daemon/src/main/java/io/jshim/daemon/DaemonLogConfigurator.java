package io.jshim.daemon;

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
 * The daemon's logging, set up in code: one line per event on stderr, at the level of {@code $JSHIM_LOG_LEVEL}
 * (default INFO), with gRPC's Netty at WARN. Found by logback through {@code META-INF/services}.
 *
 * <p>Configuring in code instead of a {@code logback.xml} keeps logback's XML configurator (Joran) and the JDK's
 * XML parser out of the daemon: a class-load trace with the XML file showed about 390 classes of theirs at
 * start-up; without them idle RSS was 3.6 MiB lower (87.0 vs 83.4 MiB, one start each). A file named by {@code -Dlogback.configurationFile} still wins: this configurator
 * then steps aside and logback reads that file as usual.
 */
public final class DaemonLogConfigurator extends ContextAwareBase implements Configurator {

  /** The line format: time (UTC offset), level, thread, logger's simple name, message. */
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX} %-5level [%thread] %logger{0}: %msg%n";
  static final String LEVEL_VARIABLE = "JSHIM_LOG_LEVEL";

  private final Map<String, String> env;
  private final Map<Object, Object> properties;

  /** The configurator logback instantiates: the process's environment and system properties. */
  public DaemonLogConfigurator() {
    this(System.getenv(), System.getProperties());
  }

  DaemonLogConfigurator(Map<String, String> env, Map<Object, Object> properties) {
    this.env = Objects.requireNonNull(env, "env");
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

    String wanted = env.get(LEVEL_VARIABLE);
    Level level = wanted == null || wanted.isBlank() ? Level.INFO : Level.toLevel(wanted.strip(), null);
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level == null ? Level.INFO : level);
    root.addAppender(stderr);
    context.getLogger("io.grpc.netty.shaded").setLevel(Level.WARN);
    // gRPC asks Unix sockets for SO_KEEPALIVE; Netty warns about that on every connection.
    context.getLogger("io.grpc.netty.shaded.io.netty.bootstrap").setLevel(Level.ERROR);
    if (level == null) {
      root.warn("{}={} is not a log level (expected TRACE, DEBUG, INFO, WARN, ERROR or OFF); logging at INFO",
          LEVEL_VARIABLE, wanted);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
