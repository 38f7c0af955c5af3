package dev.nodeless.provider.fargate;

import java.util.regex.Pattern;

/**
 * Names of the SSM Parameter Store parameters that hold secret values for tasks, derived only from
 * names (never from secret content), so identical pods get identical names and share a task
 * definition. All names sit under {@code /nodeless/<clusterId>/<namespace>/}.
 *
 * <p>ECS reads a parameter by name when it is in the task's region, and by ARN otherwise; the ARN
 * is used whenever the execution role ARN names the account.
 */
final class SecretNames {
  /** SSM parameter names allow letters, digits and {@code _.-/}, at most 1011 characters. */
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.-]+");

  private static final int MAX_NAME_LENGTH = 1011;

  private final String root;
  private final String arnPrefix;

  SecretNames(FargateSettings settings) {
    this.root = "/nodeless/" + component(settings.clusterId());
    this.arnPrefix =
        settings
            .account()
            .map(
                account ->
                    "arn:"
                        + account.partition()
                        + ":ssm:"
                        + settings.region()
                        + ":"
                        + account.id()
                        + ":parameter")
            .orElse(null);
  }

  /** Names the parameter for one key of a Kubernetes Secret, shared by every pod that reads it. */
  String secretKey(String namespace, String secretName, String key) {
    return bounded(
        root + "/" + component(namespace) + "/" + component(secretName) + "/" + component(key));
  }

  /**
   * Names the parameter for an environment value that expands a secret inside a literal, such as
   * {@code postgres://app:$(PASSWORD)@db}, keyed by a digest of the template and the secrets it
   * reads.
   */
  String expanded(String namespace, String digest) {
    return bounded(root + "/" + component(namespace) + "/expanded/" + digest);
  }

  /**
   * Names the parameter for a secret environment value that also differs per pod, which no other
   * pod may share.
   */
  String perPod(String namespace, String podUid, String container, String variable) {
    return bounded(
        root
            + "/"
            + component(namespace)
            + "/pods/"
            + component(podUid)
            + "/"
            + component(container)
            + "/"
            + component(variable));
  }

  /**
   * Names the parameter for one file of a secret or projected volume, by a digest of its source.
   */
  String file(String namespace, String digest) {
    return bounded(root + "/" + component(namespace) + "/files/" + digest);
  }

  /**
   * Returns what {@code secrets[].valueFrom} gets: the ARN when the account is known, else the
   * name.
   */
  String valueFrom(String name) {
    return arnPrefix == null ? name : arnPrefix + name;
  }

  /** Keeps a safe name component as is; replaces other characters and appends a digest. */
  static String component(String text) {
    if (!text.isEmpty() && SAFE.matcher(text).matches()) {
      return text;
    }
    return text.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + Hashes.sha256(8, text);
  }

  private static String bounded(String name) {
    if (name.length() <= MAX_NAME_LENGTH) {
      return name;
    }
    return name.substring(0, MAX_NAME_LENGTH - 17) + "-" + Hashes.sha256(16, name);
  }
}
