package dev.nodeless.cli;

import dev.nodeless.NodelessException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of the {@code nodeless} command. Each subcommand is one class listed in {@code
 * subcommands}; a new one, such as {@code plan}, is added there.
 */
@Command(
    name = "nodeless",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Runs Kubernetes pods without owning a node.",
    subcommands = {
      RunCommand.class,
      PlanCommand.class,
      ListCommand.class,
      LogsCommand.class,
      RemoveCommand.class,
      SuperviseCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every pod succeeded, or the command did what it was asked",
      "1:a pod failed or could not be launched, or plan found no provider for a pod",
      "2:invalid command line or manifest; nothing was started",
      "3:pod or container not found",
      "124:--timeout passed; the pods were terminated",
      "130:interrupted by Ctrl-C (SIGINT); the pods were terminated",
      "143:stopped by SIGTERM; the pods were terminated"
    })
public final class Main implements Runnable {
  static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Log more (-v info, -vv debug) and print the stack trace of an error.")
  boolean[] verbose = new boolean[0];

  private final InputStream stdin;
  private final boolean interactive;
  private final OutputStream stdout;

  Main(InputStream stdin, boolean interactive) {
    this(stdin, interactive, null);
  }

  /**
   * @param stdout the byte stream behind the command line's output, where {@code logs} copies a log
   *     byte for byte; {@code null} to write it as text through the command line's writer
   */
  Main(InputStream stdin, boolean interactive, OutputStream stdout) {
    this.stdin = stdin;
    this.interactive = interactive;
    this.stdout = stdout;
  }

  public static void main(String[] args) {
    configureLogging(args);
    // System.console() is non-null only when stdin and stdout are both a terminal. Java 17 has
    // no check for stderr alone, so this approximates "stderr is a terminal".
    Main main = new Main(System.in, System.console() != null, System.out);
    System.exit(commandLine(main).execute(args));
  }

  /** Builds the command line with the error handlers that print plain messages and exit codes. */
  static CommandLine commandLine(Main main) {
    CommandLine commandLine = new CommandLine(main);
    commandLine.setExecutionExceptionHandler(
        (error, failed, parseResult) -> reportError(main, error, failed.getErr()));
    commandLine.setParameterExceptionHandler(Main::reportUsageError);
    return commandLine;
  }

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Returns the byte stream behind the output, or empty when there is none. */
  Optional<OutputStream> stdout() {
    return Optional.ofNullable(stdout);
  }

  /** Returns the standard input, which {@code run -f -} reads. */
  InputStream stdin() {
    return stdin;
  }

  /**
   * Returns whether stderr is taken to be a terminal, where a progress line is redrawn in place.
   */
  boolean interactive() {
    return interactive;
  }

  boolean verbose() {
    return verbose.length > 0;
  }

  private static int reportError(Main main, Exception error, PrintWriter err) {
    int exitCode;
    if (error instanceof CliException cli) {
      err.println("error: " + cli.getMessage());
      exitCode = cli.exitCode();
    } else if (error instanceof NodelessException nodeless) {
      err.println("error: " + nodeless.getMessage());
      exitCode = ExitCodes.FAILED;
    } else if (error instanceof UncheckedIOException io) {
      err.println("error: " + io.getCause().getMessage());
      exitCode = ExitCodes.FAILED;
    } else {
      err.println("error: unexpected failure: " + error);
      exitCode = ExitCodes.FAILED;
    }
    if (main.verbose()) {
      error.printStackTrace(err);
    } else if (!(error instanceof CliException)) {
      err.println("Run again with -v to see the stack trace.");
    }
    err.flush();
    return exitCode;
  }

  private static int reportUsageError(ParameterException error, String[] args) {
    CommandLine failed = error.getCommandLine();
    PrintWriter err = failed.getErr();
    err.println("error: " + error.getMessage());
    UnmatchedArgumentException.printSuggestions(error, err);
    err.println(
        "Run '" + failed.getCommandSpec().qualifiedName() + " --help' for the usage and options.");
    err.flush();
    return ExitCodes.INVALID_INPUT;
  }

  /**
   * Sets the slf4j-simple level from {@code -v}/{@code -vv} before the first logger exists, because
   * slf4j-simple reads its level once. An explicit system property wins.
   */
  static void configureLogging(String[] args) {
    if (System.getProperty(LOG_LEVEL_PROPERTY) != null) {
      return;
    }
    int level = 0;
    for (String arg : args) {
      if (arg.equals("--")) {
        break;
      }
      if (arg.equals("--verbose")) {
        level++;
      } else if (arg.matches("-v+")) {
        level += arg.length() - 1;
      }
    }
    if (level == 1) {
      System.setProperty(LOG_LEVEL_PROPERTY, "info");
    } else if (level > 1) {
      System.setProperty(LOG_LEVEL_PROPERTY, "debug");
    }
  }

  /** Reads the version that Maven writes into {@code version.properties}. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties properties = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new String[] {"nodeless " + properties.getProperty("version", "(unknown version)")};
    }
  }
}
