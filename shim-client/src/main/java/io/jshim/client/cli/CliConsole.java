package io.jshim.client.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Where {@code run -i/-t} and {@code exec -i/-t} read the user's input from; tests put a stand-in here. */
interface CliConsole {
  /** This process's stdin and terminal. */
  CliConsole SYSTEM = new CliConsole() {
    @Override
    public InputStream stdin() {
      return new FileInputStream(FileDescriptor.in);
    }

    @Override
    public TerminalSession openTerminal() throws IOException {
      return TerminalSession.openSystem();
    }
  };

  /**
   * The CLI's stdin, for {@code -i} without a terminal.
   *
   * @return the input stream
   */
  InputStream stdin();

  /**
   * Attaches to the CLI's terminal in raw mode, for {@code -t}.
   *
   * @return the session; close it to restore the terminal
   * @throws IOException if there is no terminal to attach to
   */
  TerminalSession openTerminal() throws IOException;
}
