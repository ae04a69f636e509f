package io.jshim.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class DaemonLogConfiguratorTest {

  private static LoggerContext context() {
    LoggerContext context = new LoggerContext();
    context.setName("test");
    context.setMDCAdapter(new LogbackMDCAdapter()); // what logback's own initialisation gives a context
    return context;
  }

  @Test
  void configure_withoutLevelVariable_logsInfoToStderrWithThePattern() {
    LoggerContext context = context();

    ExecutionStatus status = new DaemonLogConfigurator(Map.of(), Map.of()).configure(context);

    assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    assertThat(root.getAppender("STDERR")).isInstanceOfSatisfying(ConsoleAppender.class, appender -> {
      assertThat(appender.getTarget()).isEqualTo("System.err");
      assertThat(appender.isStarted()).isTrue();
      assertThat(((PatternLayoutEncoder) appender.getEncoder()).getPattern()).isEqualTo(DaemonLogConfigurator.PATTERN);
    });
    assertThat(context.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServer").getEffectiveLevel())
        .isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap").getEffectiveLevel())
        .isEqualTo(Level.ERROR);
    assertThat(context.getLogger("io.jshim.daemon.ShimDaemon").getEffectiveLevel()).isEqualTo(Level.INFO);
  }

  @Test
  void configure_levelVariableInAnyCase_setsThatRootLevel() {
    LoggerContext context = context();

    new DaemonLogConfigurator(Map.of("JSHIM_LOG_LEVEL", " debug "), Map.of()).configure(context);

    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
  }

  @Test
  void configure_levelVariableNotALevel_logsAtInfoAndSaysWhatWasExpected() {
    LoggerContext context = context();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      new DaemonLogConfigurator(Map.of("JSHIM_LOG_LEVEL", "loud"), Map.of()).configure(context);
    } finally {
      System.setErr(saved);
    }

    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S* WARN  \\[[^]]+\\] ROOT: "
            + "JSHIM_LOG_LEVEL=loud is not a log level \\(expected TRACE, DEBUG, INFO, WARN, ERROR or OFF\\); "
            + "logging at INFO\\R");
  }

  @Test
  void configure_configurationFileProperty_leavesTheContextToLogback() {
    LoggerContext context = context();

    ExecutionStatus status = new DaemonLogConfigurator(Map.of(),
        Map.of("logback.configurationFile", "/etc/jshim/logback.xml")).configure(context);

    assertThat(status).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
  }
}
