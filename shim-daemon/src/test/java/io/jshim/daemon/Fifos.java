package io.jshim.daemon;

import java.io.IOException;
import java.nio.file.Path;

/** Makes FIFOs for tests (the JDK has no mkfifo). */
final class Fifos {
  private Fifos() {}

  static Path make(Path path) throws IOException {
    Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).redirectErrorStream(true).start();
    try {
      String output = new String(mkfifo.getInputStream().readAllBytes()).strip();
      if (mkfifo.waitFor() != 0) {
        throw new IOException("mkfifo " + path + ": " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted making " + path, e);
    }
    return path;
  }
}
