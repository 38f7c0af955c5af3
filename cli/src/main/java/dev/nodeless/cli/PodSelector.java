package dev.nodeless.cli;

import dev.nodeless.PodLauncher;
import dev.nodeless.PodRef;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the pods that a POD argument names: a UID, a unique UID prefix of at least 4 characters,
 * {@code namespace/name}, or a name in the {@code default} namespace.
 */
final class PodSelector {
  private static final int MIN_UID_PREFIX = 4;

  private PodSelector() {}

  /**
   * Returns every pod the argument names. Several pods share a name when a manifest ran more than
   * once.
   */
  static List<PodRef> select(String argument, List<PodRef> pods) {
    List<PodRef> byUid = pods.stream().filter(ref -> ref.uid().equals(argument)).toList();
    if (!byUid.isEmpty()) {
      return byUid;
    }
    int slash = argument.indexOf('/');
    String namespace = slash < 0 ? "default" : argument.substring(0, slash);
    String name = slash < 0 ? argument : argument.substring(slash + 1);
    List<PodRef> byName =
        pods.stream()
            .filter(ref -> ref.namespace().equals(namespace) && ref.name().equals(name))
            .toList();
    if (!byName.isEmpty() || slash >= 0 || argument.length() < MIN_UID_PREFIX) {
      return byName;
    }
    return pods.stream().filter(ref -> ref.uid().startsWith(argument)).toList();
  }

  /**
   * Returns the one pod the argument names or, among several with the same name, the one that
   * started last.
   *
   * @throws CliException with exit code 3 when no pod matches
   */
  static PodRef selectOne(String argument, PodLauncher launcher, Console console) {
    List<PodRef> matches = select(argument, launcher.list());
    if (matches.isEmpty()) {
      throw notFound(argument);
    }
    if (matches.size() == 1) {
      return matches.get(0);
    }
    PodRef newest =
        matches.stream()
            .max(
                Comparator.comparing(
                    (PodRef ref) ->
                        launcher.status(ref).flatMap(PodDocuments::started).orElse(Instant.EPOCH)))
            .orElseThrow();
    console.err(
        "note: "
            + matches.size()
            + " pods match '"
            + argument
            + "'; using the newest, uid "
            + newest.uid()
            + ". Pass a UID to choose another.");
    return newest;
  }

  static CliException notFound(String argument) {
    String prefixNote =
        argument.length() < MIN_UID_PREFIX && argument.indexOf('/') < 0
            ? " (a UID prefix needs at least " + MIN_UID_PREFIX + " characters)"
            : "";
    return new CliException(
        ExitCodes.NOT_FOUND,
        "pod '"
            + argument
            + "' not found"
            + prefixNote
            + "; run 'nodeless ls' (with the same --state-dir) to list the pods");
  }
}
