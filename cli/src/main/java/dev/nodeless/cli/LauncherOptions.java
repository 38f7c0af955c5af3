package dev.nodeless.cli;

import dev.nodeless.NoProviderException;
import dev.nodeless.PodLauncher;
import dev.nodeless.ReferenceResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options that choose the provider and where it keeps its pods, shared by every subcommand. */
final class LauncherOptions {
  static final String STATE_DIR_SETTING = "local.stateDir";
  static final String LOCAL_PROVIDER = "local";

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Directory where the local provider keeps its pods (setting local.stateDir). Default:"
              + " the local provider's own default.")
  Path stateDir;

  @Option(
      names = "--provider",
      paramLabel = "NAME",
      defaultValue = "local",
      description = "Provider that runs the pods, such as local. Default: ${DEFAULT-VALUE}.")
  String provider;

  @Option(
      names = {"-s", "--set"},
      paramLabel = "KEY=VALUE",
      description = "Provider setting, such as local.stateDir=/tmp/pods. Repeat for more.")
  Map<String, String> settings = new LinkedHashMap<>();

  /** Returns the provider settings, {@code --state-dir} included. */
  Map<String, String> effectiveSettings() {
    Map<String, String> effective = new LinkedHashMap<>(settings);
    if (stateDir != null) {
      String settingDir = settings.get(STATE_DIR_SETTING);
      if (settingDir != null
          && !Path.of(settingDir)
              .toAbsolutePath()
              .normalize()
              .equals(stateDir.toAbsolutePath().normalize())) {
        throw new CliException(
            ExitCodes.INVALID_INPUT,
            "--state-dir "
                + stateDir
                + " and -s "
                + STATE_DIR_SETTING
                + "="
                + settingDir
                + " name different directories; give only one of them");
      }
      effective.put(STATE_DIR_SETTING, stateDir.toAbsolutePath().toString());
    }
    return effective;
  }

  /** Returns the state directory given on the command line, by option or setting. */
  Optional<Path> explicitStateDir() {
    return Optional.ofNullable(effectiveSettings().get(STATE_DIR_SETTING)).map(Path::of);
  }

  /**
   * Builds a launcher on the chosen provider.
   *
   * @throws CliException when no provider of that name is available, with the reason
   */
  PodLauncher build(ReferenceResolver resolver) {
    try {
      return PodLauncher.builder()
          .providerName(provider)
          .settings(effectiveSettings())
          .resolver(resolver)
          .build();
    } catch (NoProviderException e) {
      throw new CliException(
          unknownProvider(e) || rejectsGivenSetting(e) ? ExitCodes.INVALID_INPUT : ExitCodes.FAILED,
          describe(e),
          e);
    }
  }

  /**
   * Returns whether the chosen provider rejected a setting given with {@code -s}, which its reason
   * starts with, as in {@code local.posixSpawn = "bogus" is invalid}. That is invalid input, not a
   * host that lacks what the provider needs.
   */
  private boolean rejectsGivenSetting(NoProviderException error) {
    return error.attempts().stream()
        .filter(attempt -> attempt.provider().equals(provider))
        .anyMatch(
            attempt ->
                settings.keySet().stream()
                    .anyMatch(
                        key ->
                            attempt.reason().startsWith(key + " ")
                                || attempt.reason().contains("; " + key + " ")
                                || attempt.reason().contains("unknown setting " + key + ";")));
  }

  /** Returns whether {@code --provider} names none of the providers found. */
  private boolean unknownProvider(NoProviderException error) {
    return provider != null
        && !error.attempts().isEmpty()
        && error.attempts().stream().noneMatch(attempt -> attempt.provider().equals(provider));
  }

  private String describe(NoProviderException error) {
    List<String> found = new ArrayList<>();
    for (NoProviderException.Attempt attempt : error.attempts()) {
      if (attempt.provider().equals(provider)) {
        return "provider '"
            + provider
            + "' is not available: "
            + attempt.reason()
            + ". Fix that, or choose another with --provider";
      }
      found.add(attempt.provider());
    }
    if (found.isEmpty()) {
      return "provider '"
          + provider
          + "' not found: the classpath holds no provider module; rebuild nodeless with one, such"
          + " as nodeless-provider-local";
    }
    return "provider '"
        + provider
        + "' not found; choose one of "
        + String.join(", ", found)
        + " with --provider";
  }

  /** Returns the same options as arguments, to pass them to another {@code nodeless} process. */
  List<String> toArguments() {
    List<String> arguments = new ArrayList<>();
    arguments.add("--provider");
    arguments.add(provider);
    effectiveSettings()
        .forEach(
            (key, value) -> {
              arguments.add("--set");
              arguments.add(key + "=" + value);
            });
    return arguments;
  }
}
