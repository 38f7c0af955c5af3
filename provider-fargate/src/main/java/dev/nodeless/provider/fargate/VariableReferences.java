package dev.nodeless.provider.fargate;

import dev.nodeless.spi.EnvValue;
import dev.nodeless.spi.ResolvedContainer;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The variables of a container that carry secret or per-pod content after {@code $(VAR)} expansion.
 *
 * <p>A secret variable comes from a Secret; a per-pod variable comes from a downward API field
 * ({@code metadata.name}, {@code metadata.uid} and the like). A literal {@code env[].value} that
 * expands such a variable carries the same content, and so does a literal that expands one of
 * those, so the marks spread until nothing changes. The resolved pod holds only expanded text, so
 * the templates are read from the container spec.
 */
final class VariableReferences {
  private final Map<String, String> templates = new HashMap<>();
  private final Set<String> secret = new LinkedHashSet<>();
  private final Set<String> perPod = new LinkedHashSet<>();

  VariableReferences(ResolvedContainer container) {
    List<EnvVar> specEnv = container.container().getEnv();
    Map<String, EnvValue> finals = new HashMap<>();
    container.env().forEach(value -> finals.put(value.name(), value));
    if (specEnv != null) {
      for (EnvVar variable : specEnv) {
        if (variable.getValueFrom() == null && variable.getValue() != null) {
          templates.put(variable.getName(), variable.getValue());
        } else {
          templates.remove(variable.getName());
        }
      }
    }
    // Only variables whose final value is a literal were expanded from a template. Core marks a
    // literal that expands a secret as a secret without an object name.
    templates.keySet().removeIf(name -> !expandedLiteral(finals.get(name)));
    for (EnvValue value : container.env()) {
      if (value.source() == EnvValue.Source.SECRET) {
        secret.add(value.name());
      } else if (value.source() == EnvValue.Source.FIELD) {
        perPod.add(value.name());
      }
    }
    spread(secret);
    spread(perPod);
  }

  /** Returns whether a resolved value was expanded from an {@code env[].value} template. */
  static boolean expandedLiteral(EnvValue value) {
    return value != null
        && (value.source() == EnvValue.Source.LITERAL
            || (value.source() == EnvValue.Source.SECRET && value.objectName() == null));
  }

  /** Returns whether the variable's value contains secret content. */
  boolean secret(String name) {
    return secret.contains(name);
  }

  /** Returns whether the variable's value differs between otherwise identical pods. */
  boolean perPod(String name) {
    return perPod.contains(name);
  }

  /** Returns the literal template of a variable, or {@code null} when it has none. */
  String template(String name) {
    return templates.get(name);
  }

  /** Returns whether a command-line item or template expands a per-pod variable. */
  boolean perPodIn(String text) {
    return references(text).stream().anyMatch(perPod::contains);
  }

  private void spread(Set<String> marked) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Map.Entry<String, String> entry : templates.entrySet()) {
        if (!marked.contains(entry.getKey())
            && references(entry.getValue()).stream().anyMatch(marked::contains)) {
          marked.add(entry.getKey());
          changed = true;
        }
      }
    }
  }

  /** Lists the variable names that the {@code $(NAME)} references in the text expand. */
  static Set<String> references(String text) {
    return ResolvedContainer.variableReferences(text);
  }
}
