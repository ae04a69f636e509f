package io.jshim.daemon.oci;

import java.util.ArrayList;
import java.util.List;

/** A line diff of two reports, printed like {@code diff -u}: {@code -} only in the first, {@code +} only in the second. */
final class ReportDiff {
  private static final int CONTEXT = 2;

  private ReportDiff() {}

  /** Empty when the texts have the same lines, else the hunks with {@value #CONTEXT} lines of context. */
  static String unified(String expectedLabel, String expected, String actualLabel, String actual) {
    List<String> a = expected.lines().toList();
    List<String> b = actual.lines().toList();
    List<String> edits = edits(a, b);
    if (edits.stream().allMatch(e -> e.startsWith(" "))) {
      return "";
    }
    StringBuilder out = new StringBuilder("--- " + expectedLabel + "\n+++ " + actualLabel + "\n");
    int lastPrinted = -1;
    for (int i = 0; i < edits.size(); i++) {
      if (!nearChange(edits, i)) {
        continue;
      }
      if (i > lastPrinted + 1) {
        out.append("@@ ... @@\n");
      }
      out.append(edits.get(i)).append('\n');
      lastPrinted = i;
    }
    return out.toString();
  }

  private static boolean nearChange(List<String> edits, int i) {
    for (int j = Math.max(0, i - CONTEXT); j <= Math.min(edits.size() - 1, i + CONTEXT); j++) {
      if (!edits.get(j).startsWith(" ")) {
        return true;
      }
    }
    return false;
  }

  /** The lines of both, each prefixed with ' ', '-' or '+', from a longest common subsequence. */
  private static List<String> edits(List<String> a, List<String> b) {
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> edits = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        edits.add(" " + a.get(i++));
        j++;
      } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
        edits.add("-" + a.get(i++));
      } else {
        edits.add("+" + b.get(j++));
      }
    }
    return edits;
  }
}
