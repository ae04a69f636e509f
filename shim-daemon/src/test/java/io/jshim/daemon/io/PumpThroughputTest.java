package io.jshim.daemon.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One GiB through the process's stdout pipe, a pump (with a log) and a FIFO, read by a test thread. */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PumpThroughputTest {
  private static final long TOTAL = 1L << 30;
  private static final int CHUNK = 64 * 1024;

  @TempDir
  Path dir;

  @Test
  void pump_oneGibibyteToAFifo_deliversEveryByteInOrder() throws Exception {
    try (IoFixture io = new IoFixture(dir)) {
      Path stdout = io.fifo("stdout");
      AtomicLong logged = new AtomicLong();
      LogSink counting = (stream, buf, offset, length) -> logged.addAndGet(length);
      try (ProcessIo process = ProcessIo.open(new StdioPaths("", stdout.toString(), ""), false,
          Optional.of(counting), io.loop, io.posix)) {
        int reader = io.openReader(stdout);
        int[] fds = io.spawn(process);
        io.closeAll(fds[0], fds[2]);
        CompletableFuture<long[]> read = CompletableFuture.supplyAsync(() -> {
          CRC32 crc = new CRC32();
          byte[] buf = new byte[CHUNK];
          long count = 0;
          int n;
          while ((n = io.posix.read(reader, buf, 0, buf.length, IoFixture.TIMEOUT)) > 0) {
            crc.update(buf, 0, n);
            count += n;
          }
          return new long[] {count, crc.getValue()};
        });

        long start = System.nanoTime();
        CRC32 sent = new CRC32();
        byte[] chunk = IoFixture.pattern(CHUNK, 7);
        for (long at = 0; at < TOTAL; at += CHUNK) {
          chunk[0] = (byte) (at >>> 16);
          io.posix.write(fds[1], chunk);
          sent.update(chunk);
        }
        io.closeAll(fds[1]);
        long[] got = read.get(240, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        io.closeAll(reader);

        System.out.printf("pumped %d MiB through pipe -> pump -> FIFO in %.2f s: %.0f MB/s%n",
            TOTAL >> 20, seconds, TOTAL / 1e6 / seconds);
        assertThat(got[0]).isEqualTo(TOTAL);
        assertThat(got[1]).isEqualTo(sent.getValue());
        assertThat(process.drained(Duration.ofMinutes(1))).succeedsWithin(Duration.ofSeconds(10));
        assertThat(logged).hasValue(TOTAL);
      }
    }
  }
}
