package dev.nodeless.provider.fargate;

import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.ResolvedContainer;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Secret;

/**
 * The placement of each environment variable and of the command line of one container.
 *
 * <ul>
 *   <li>A value from a Secret goes into {@code secrets} with an SSM parameter name; the provider
 *       writes the parameter. A literal that expands a secret variable does too.
 *   <li>A value that differs per pod (a downward API field, or a literal that expands one) goes
 *       into the RunTask container override, so that identical pods share one task definition.
 *   <li>Everything else goes into the task definition's {@code environment}.
 * </ul>
 *
 * <p>{@code command} becomes ECS {@code entryPoint} and {@code args} becomes ECS {@code command}.
 * Only {@code command} can be overridden per task, so args that expand a per-pod variable travel in
 * the override; a per-pod {@code command} stays in the definition, which then serves this pod
 * alone.
 *
 * @param definition variables for the task definition
 * @param overrides variables for the RunTask container override
 * @param secrets secret variables for the task definition
 * @param entryPoint the ECS entry point, empty to keep the image's
 * @param command the ECS command in the task definition, empty to keep the image's
 * @param overrideCommand the ECS command for the override, or {@code null} when not overridden
 */
record ContainerEnvironment(
    List<KeyValuePair> definition,
    List<KeyValuePair> overrides,
    List<Secret> secrets,
    List<String> entryPoint,
    List<String> command,
    List<String> overrideCommand) {

  /** The largest SecureString value SSM stores (advanced tier), in bytes. */
  static final int MAX_PARAMETER_BYTES = 8192;

  static ContainerEnvironment of(ResolvedContainer container, Context context) {
    VariableReferences references = new VariableReferences(container);
    List<KeyValuePair> definition = new ArrayList<>();
    List<KeyValuePair> overrides = new ArrayList<>();
    List<Secret> secrets = new ArrayList<>();

    for (EnvValue value : container.env()) {
      String name = value.name();
      if (references.secret(name)) {
        if (value.value().isEmpty()) {
          // SSM rejects an empty value, and an empty value discloses nothing.
          definition.add(pair(name, ""));
          continue;
        }
        String parameter = parameterFor(container, value, references, context);
        if (parameter != null) {
          secrets.add(
              Secret.builder().name(name).valueFrom(context.names.valueFrom(parameter)).build());
        }
      } else if (references.perPod(name) && context.perPodInOverrides) {
        overrides.add(pair(name, value.value()));
      } else {
        definition.add(pair(name, value.value()));
      }
    }

    List<String> entryPoint = container.command();
    List<String> command = container.args();
    List<String> overrideCommand = null;
    checkCommandLine(container, context);
    if (anyPerPod(container.container().getCommand(), references)) {
      context.note(
          container.fieldPath()
              + ".command expands a per-pod value, and ECS cannot override the entry point per task:"
              + " this pod gets a task definition of its own");
    }
    if (context.perPodInOverrides && anyPerPod(container.container().getArgs(), references)) {
      // The definition keeps the unexpanded arguments so that it stays the same for every pod.
      command = container.container().getArgs();
      overrideCommand = container.args();
    }
    return new ContainerEnvironment(
        List.copyOf(definition),
        List.copyOf(overrides),
        List.copyOf(secrets),
        entryPoint,
        command,
        overrideCommand);
  }

  /** Records the SSM parameter for a secret variable and returns its name, or null on a problem. */
  private static String parameterFor(
      ResolvedContainer container, EnvValue value, VariableReferences references, Context context) {
    String path = envPath(container, value.name());
    if (value.value().getBytes(StandardCharsets.UTF_8).length > MAX_PARAMETER_BYTES) {
      context.problem(
          path,
          "<redacted>",
          "the secret value is longer than "
              + MAX_PARAMETER_BYTES
              + " bytes, the most an SSM parameter holds",
          "keep secret values passed as environment variables under 8 KiB, or mount the secret"
              + " as a file in a volume");
      return null;
    }
    String name;
    boolean perPod = false;
    if (value.source() == EnvValue.Source.SECRET && value.objectName() != null) {
      name =
          context.names.secretKey(
              context.namespace(), value.objectName(), secretKey(container, value));
    } else if (references.perPod(value.name())) {
      name =
          context.names.perPod(
              context.namespace(), context.pod.ref().uid(), container.name(), value.name());
      perPod = true;
      context.note(
          path
              + " combines a secret with a per-pod value, so its SSM parameter belongs to this pod:"
              + " this pod gets a task definition of its own");
    } else {
      name = context.names.expanded(context.namespace(), expandedDigest(container, value));
    }
    context.parameter(
        SecretParameter.env(
            name, context.names.valueFrom(name), perPod, container.name(), value.name()));
    return name;
  }

  /**
   * Finds the key of a Secret value: the key of a {@code secretKeyRef}, or for {@code envFrom} the
   * variable name without the entry's prefix.
   */
  private static String secretKey(ResolvedContainer container, EnvValue value) {
    if (value.key() != null) {
      return value.key();
    }
    String key = value.name();
    List<EnvFromSource> sources = container.container().getEnvFrom();
    if (sources != null) {
      for (EnvFromSource source : sources) {
        String prefix = source.getPrefix() == null ? "" : source.getPrefix();
        if (source.getSecretRef() != null
            && value.objectName() != null
            && value.objectName().equals(source.getSecretRef().getName())
            && value.name().startsWith(prefix)) {
          key = value.name().substring(prefix.length());
        }
      }
    }
    return key;
  }

  /**
   * Digests what an expanded secret literal is made of: the container, the variable, its template
   * and what every variable it expands contributes. It contains no secret content, and the same pod
   * spec with the same ConfigMap values always yields the same digest.
   */
  private static String expandedDigest(ResolvedContainer container, EnvValue value) {
    List<String> parts = new ArrayList<>();
    parts.add(container.name());
    parts.add(value.name());
    String template = new VariableReferences(container).template(value.name());
    parts.add(template == null ? "" : template);
    for (String reference : VariableReferences.references(template == null ? "" : template)) {
      for (EnvValue referenced : container.env()) {
        if (referenced.name().equals(reference)) {
          parts.add(describe(referenced, container));
        }
      }
    }
    return Hashes.sha256(24, parts.toArray(String[]::new));
  }

  /**
   * Describes what a referenced variable contributes to an expanded secret, without secret content:
   * the Secret key it reads, the template of a nested expansion, or the plain value.
   */
  private static String describe(EnvValue referenced, ResolvedContainer container) {
    if (referenced.source() == EnvValue.Source.SECRET && referenced.objectName() != null) {
      return "secret " + referenced.objectName() + "/" + referenced.key();
    }
    if (referenced.source() == EnvValue.Source.SECRET) {
      String template = new VariableReferences(container).template(referenced.name());
      return "expanded " + (template == null ? referenced.name() : template);
    }
    return "value " + referenced.value();
  }

  private static void checkCommandLine(ResolvedContainer container, Context context) {
    for (ResolvedContainer.SecretExpansion expansion : container.secretExpansions()) {
      for (String variable : expansion.variables()) {
        context.problem(
            expansion.fieldPath(),
            expansion.written(),
            "expands the secret variable "
                + variable
                + ", and ECS stores command lines in plain text",
            "let a shell read it from the environment instead, for example [\"sh\", \"-c\","
                + " \"exec app --password=\\\"$"
                + variable
                + "\\\"\"]");
      }
    }
  }

  private static boolean anyPerPod(List<String> items, VariableReferences references) {
    return items != null && items.stream().anyMatch(references::perPodIn);
  }

  private static String envPath(ResolvedContainer container, String name) {
    List<EnvVar> env = container.container().getEnv();
    if (env != null) {
      for (int i = env.size() - 1; i >= 0; i--) {
        if (name.equals(env.get(i).getName())) {
          return container.fieldPath() + ".env[" + i + "]";
        }
      }
    }
    return container.fieldPath() + ".envFrom";
  }

  private static KeyValuePair pair(String name, String value) {
    return KeyValuePair.builder().name(name).value(value).build();
  }
}
