package io.jshim.daemon.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jshim.daemon.error.ErrorKind;
import io.jshim.daemon.error.ShimException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSpecTest {
  private static final String PATH = "/var/log/jshim/pod/c.log";

  @Test
  void fromAnnotations_noLogAnnotations_empty() {
    assertThat(LogSpec.fromAnnotations(Map.of())).isEmpty();
    assertThat(LogSpec.fromAnnotations(Map.of("io.kubernetes.cri.container-type", "container"))).isEmpty();
  }

  @Test
  void fromAnnotations_onlyPath_defaults() {
    LogSpec spec = LogSpec.fromAnnotations(Map.of(LogSpec.ANNOTATION_PATH, PATH)).orElseThrow();

    assertThat(spec).isEqualTo(new LogSpec(Path.of(PATH), 10L * 1024 * 1024, 5));
    assertThat(spec).isEqualTo(LogSpec.withDefaults(Path.of(PATH)));
  }

  @Test
  void fromAnnotations_sizeWithSuffixes_bytes() {
    assertThat(size("10Mi")).isEqualTo(10L * 1024 * 1024);
    assertThat(size("4Ki")).isEqualTo(4096);
    assertThat(size("2Gi")).isEqualTo(2L * 1024 * 1024 * 1024);
    assertThat(size("5000")).isEqualTo(5000);
    assertThat(size("4096")).isEqualTo(4096);
  }

  @Test
  void fromAnnotations_maxFiles_parsedWithinRange() {
    assertThat(files("1")).isEqualTo(1);
    assertThat(files("100")).isEqualTo(100);
    assertThat(files("7")).isEqualTo(7);
  }

  @Test
  void fromAnnotations_annotationNames_areTheDocumentedOnes() {
    Map<String, String> annotations = Map.of("io.jshim.log.path", PATH, "io.jshim.log.max-size", "1Mi", "io.jshim.log.max-files", "3");

    assertThat(LogSpec.fromAnnotations(annotations)).contains(new LogSpec(Path.of(PATH), 1024 * 1024, 3));
  }

  @Test
  void fromAnnotations_badSize_invalidArgumentNamingAnnotation() {
    for (String bad : new String[] {"10MB", "10 Mi", " 10Mi", "-1", "+4096", "", "Mi", "10mi", "1.5Mi", "0x1000", "4096Ki "}) {
      assertRejected(Map.of(LogSpec.ANNOTATION_PATH, PATH, LogSpec.ANNOTATION_MAX_SIZE, bad),
          "annotation io.jshim.log.max-size: \"" + bad + "\" (expected: bytes as a decimal number, optionally followed by Ki, Mi or Gi");
    }
  }

  @Test
  void fromAnnotations_sizeBelowMinimum_invalidArgumentSayingTooSmall() {
    assertRejected(Map.of(LogSpec.ANNOTATION_PATH, PATH, LogSpec.ANNOTATION_MAX_SIZE, "4095"), "\"4095\" is too small (expected:");
    assertRejected(Map.of(LogSpec.ANNOTATION_PATH, PATH, LogSpec.ANNOTATION_MAX_SIZE, "3Ki"), "\"3Ki\" is too small");
    assertRejected(Map.of(LogSpec.ANNOTATION_PATH, PATH, LogSpec.ANNOTATION_MAX_SIZE, "0"), "\"0\" is too small");
  }

  @Test
  void fromAnnotations_sizeOverflowingLong_invalidArgumentSayingTooLarge() {
    assertRejected(Map.of(LogSpec.ANNOTATION_PATH, PATH, LogSpec.ANNOTATION_MAX_SIZE, "9999999999999Gi"), "is too large");
    assertRejected(Map.of(LogSpec.ANNOTATION_PATH, PATH, LogSpec.ANNOTATION_MAX_SIZE, "9999999999999999999"), "is too large");
  }

  @Test
  void fromAnnotations_badMaxFiles_invalidArgumentNamingAnnotation() {
    assertRejected(Map.of(LogSpec.ANNOTATION_PATH, PATH, LogSpec.ANNOTATION_MAX_FILES, "0"),
        "annotation io.jshim.log.max-files: 0 is out of range (expected: a decimal number from 1 to 100)");
    assertRejected(Map.of(LogSpec.ANNOTATION_PATH, PATH, LogSpec.ANNOTATION_MAX_FILES, "101"), "101 is out of range");
    assertRejected(Map.of(LogSpec.ANNOTATION_PATH, PATH, LogSpec.ANNOTATION_MAX_FILES, "five"),
        "annotation io.jshim.log.max-files: \"five\" (expected: a decimal number from 1 to 100)");
    assertRejected(Map.of(LogSpec.ANNOTATION_PATH, PATH, LogSpec.ANNOTATION_MAX_FILES, "-1"), "\"-1\"");
    assertRejected(Map.of(LogSpec.ANNOTATION_PATH, PATH, LogSpec.ANNOTATION_MAX_FILES, "99999999999"), "\"99999999999\"");
  }

  @Test
  void fromAnnotations_emptyPath_invalidArgument() {
    assertRejected(Map.of(LogSpec.ANNOTATION_PATH, ""), "annotation io.jshim.log.path: empty (expected: an absolute file path)");
  }

  @Test
  void fromAnnotations_pathWithNul_invalidArgument() {
    assertRejected(Map.of(LogSpec.ANNOTATION_PATH, "/var/log/a\0b"), "annotation io.jshim.log.path: \"/var/log/a");
  }

  @Test
  void fromAnnotations_sizeWithoutPath_invalidArgumentInsteadOfIgnoring() {
    assertRejected(Map.of(LogSpec.ANNOTATION_MAX_SIZE, "10Mi"),
        "annotation io.jshim.log.max-size is set without io.jshim.log.path (expected: io.jshim.log.path as well");
    assertRejected(Map.of(LogSpec.ANNOTATION_MAX_FILES, "3"), "annotation io.jshim.log.max-files is set without io.jshim.log.path");
  }

  @Test
  void fromAnnotations_unknownLogAnnotation_invalidArgumentListingKnownOnes() {
    assertRejected(Map.of(LogSpec.ANNOTATION_PATH, PATH, "io.jshim.log.maxsize", "10Mi"),
        "annotation io.jshim.log.maxsize: unknown (expected one of io.jshim.log.path, io.jshim.log.max-size, io.jshim.log.max-files)");
  }

  @Test
  void construct_outOfRange_invalidArgument() {
    Path path = Path.of(PATH);
    assertThatThrownBy(() -> new LogSpec(path, 4095, 5)).isInstanceOf(ShimException.class)
        .hasMessage("log max size: 4095 (expected: at least 4096 bytes)");
    assertThatThrownBy(() -> new LogSpec(path, 4096, 0)).isInstanceOf(ShimException.class)
        .hasMessage("log max files: 0 (expected: 1 to 100)");
    assertThatThrownBy(() -> new LogSpec(path, 4096, 101)).isInstanceOf(ShimException.class)
        .hasMessage("log max files: 101 (expected: 1 to 100)");
    assertThatThrownBy(() -> new LogSpec(null, 4096, 1)).isInstanceOf(NullPointerException.class);
  }

  private static long size(String value) {
    return LogSpec.fromAnnotations(Map.of(LogSpec.ANNOTATION_PATH, PATH, LogSpec.ANNOTATION_MAX_SIZE, value)).orElseThrow().maxSize();
  }

  private static int files(String value) {
    return LogSpec.fromAnnotations(Map.of(LogSpec.ANNOTATION_PATH, PATH, LogSpec.ANNOTATION_MAX_FILES, value)).orElseThrow().maxFiles();
  }

  private static void assertRejected(Map<String, String> annotations, String messagePart) {
    assertThatThrownBy(() -> LogSpec.fromAnnotations(annotations))
        .as("annotations %s", annotations)
        .isInstanceOfSatisfying(ShimException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
        .hasMessageContaining(messagePart);
  }
}
