package io.jshim.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/** The locking schemes compared; the letters are those of the spec (shared/design/fork-gate.md). */
enum Variant {
  A("a", "RW lock, fork = write, fd = read (Go's ForkLock before 1.21)", () -> Guard.readWriteLock(true, false), false, false),
  AF("af", "as (a), fair RW lock", () -> Guard.readWriteLock(true, true), false, false),
  B("b", "RW lock swapped: fork = read, fd = write (golang/go #54162)", () -> Guard.readWriteLock(false, false), false, false),
  C("c", "xor ForkGate: fork side / fd side", Guard::xorGate, false, false),
  D("d", "no lock; pipe2(O_CLOEXEC); the child sweeps (probe spawned through jshim-spawn)", Guard::none, true, true),
  X("x", "negative control: no lock, pipe()+fcntl, child does not sweep", Guard::none, false, false);

  final String letter;
  final String description;
  private final Supplier<Guard> guards;
  /** fd creators use pipe2(O_CLOEXEC) instead of pipe() + 2 x fcntl(F_SETFD) under the guard's fd side. */
  final boolean atomicFds;
  /** the leak probe runs under the helper's fd sweep instead of being spawned directly. */
  final boolean probeSwept;

  Variant(String letter, String description, Supplier<Guard> guards, boolean atomicFds, boolean probeSwept) {
    this.letter = letter;
    this.description = description;
    this.guards = guards;
    this.atomicFds = atomicFds;
    this.probeSwept = probeSwept;
  }

  Guard newGuard() {
    return guards.get();
  }

  static Variant of(String letter) {
    String l = letter.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(v -> v.letter.equals(l)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("variant: " + letter + " (expected one of a, af, b, c, d, x)"));
  }
}
