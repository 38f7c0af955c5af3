package dev.nodeless.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code nodeless} command. */
@Command(
    name = "nodeless",
    mixinStandardHelpOptions = true,
    version = "nodeless 0.1.0-SNAPSHOT",
    description = "Runs Kubernetes pods without owning a node.")
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
