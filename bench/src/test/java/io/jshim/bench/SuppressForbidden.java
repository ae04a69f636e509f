package io.jshim.bench;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Exempts a test from forbiddenapis' process-spawning ban (forbiddenapis honours any {@code *.SuppressForbidden}). */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD})
@interface SuppressForbidden {
  /** Why the ban does not apply. */
  String reason();
}
