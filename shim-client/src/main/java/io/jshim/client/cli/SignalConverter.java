package io.jshim.client.cli;

import io.jshim.client.Signals;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts {@code TERM}, {@code SIGKILL}, {@code 9} and the like to a signal number; anything else is a usage error. */
final class SignalConverter implements ITypeConverter<Integer> {
  @Override
  public Integer convert(String value) {
    try {
      return Signals.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
