package io.jshim.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The output of {@code jshim-testbin fdlinks}: one {@code N -> TARGET} line per open fd. */
record FdLinks(List<Link> links) {
  private static final Pattern LINE = Pattern.compile("(\\d+) -> (.*)");
  private static final Pattern PIPE = Pattern.compile("pipe:\\[(\\d+)]");

  /** One open fd of the child. */
  record Link(int fd, String target) {
    /** The inode if this is a pipe end. */
    OptionalLong pipeInode() {
      Matcher m = PIPE.matcher(target);
      return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }
  }

  static FdLinks parse(String text) {
    List<Link> links = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException("fdlinks line: \"" + line + "\" (expected: N -> TARGET)");
      }
      links.add(new Link(Integer.parseInt(m.group(1)), m.group(2)));
    }
    return new FdLinks(List.copyOf(links));
  }

  /** The fds above stdio: everything the child inherited beyond what it was given. */
  List<Link> beyondStdio() {
    return links.stream().filter(l -> l.fd() > 2).toList();
  }
}
