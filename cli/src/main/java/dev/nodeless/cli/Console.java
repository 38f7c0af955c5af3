package dev.nodeless.cli;

import java.io.PrintWriter;

/**
 * Writes whole lines to stdout and stderr from any thread, so lines of concurrent log streams and
 * status changes never interleave mid-line. On a terminal, a progress line on stderr is redrawn in
 * place and cleared before any other line is written.
 */
final class Console {
  private static final String CLEAR_LINE = "\r\033[2K";

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean interactive;
  private String progress;

  Console(PrintWriter out, PrintWriter err, boolean interactive) {
    this.out = out;
    this.err = err;
    this.interactive = interactive;
  }

  synchronized void out(String line) {
    clearProgress();
    out.println(line);
    out.flush();
  }

  synchronized void err(String line) {
    clearProgress();
    err.println(line);
    err.flush();
  }

  /**
   * Shows a short progress line: redrawn in place on a terminal, otherwise printed as a plain line
   * when it differs from the previous one.
   */
  synchronized void progress(String line) {
    if (line.equals(progress)) {
      return;
    }
    if (interactive) {
      err.print(CLEAR_LINE + line);
      err.flush();
      progress = line;
    } else {
      err.println(line);
      err.flush();
      progress = line;
    }
  }

  /** Ends the progress line, so the next line starts on a fresh line. */
  synchronized void endProgress() {
    clearProgress();
    progress = null;
  }

  private void clearProgress() {
    if (interactive && progress != null) {
      err.print(CLEAR_LINE);
      err.flush();
      progress = null;
    }
  }
}
