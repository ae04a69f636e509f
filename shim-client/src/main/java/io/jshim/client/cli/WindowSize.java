package io.jshim.client.cli;

/**
 * The size of a terminal window.
 *
 * @param columns the width in characters; 0 if unknown
 * @param rows the height in lines; 0 if unknown
 */
record WindowSize(int columns, int rows) {

  /**
   * Tells whether both dimensions are known (a terminal that cannot tell says 0).
   *
   * @return whether both are positive
   */
  boolean known() {
    return columns > 0 && rows > 0;
  }
}
