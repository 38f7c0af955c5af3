package dev.nodeless.cli;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JacksonException.Reference;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Converts one parsed manifest document (the maps and lists a YAML or JSON parser returns) into a
 * fabric8 object, and describes every field whose value has the wrong shape, such as a string where
 * a list belongs.
 *
 * <p>Jackson stops at the first such field. The converter records it, removes the field from the
 * document and converts again, so one pass reports every field up to {@link #MAX_PROBLEMS}.
 */
final class DocumentConverter {
  /** Maximum number of fields reported per document, which also limits the conversion attempts. */
  static final int MAX_PROBLEMS = 20;

  private static final int MAX_VALUE_CHARS = 60;

  private final KubernetesSerialization serialization;

  /** Converts documents; {@code serialization} only shows values in messages. */
  private final KubernetesSerialization strict = new StrictSerialization();

  DocumentConverter(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /**
   * A converted document, or the problems that prevented it.
   *
   * @param object the fabric8 object, or {@code null} when {@code problems} is not empty
   * @param problems one line per invalid field, such as {@code spec.containers[0].command is the
   *     string "sleep 10", but must be a list of strings; write ...}
   */
  record Conversion(Object object, List<String> problems) {}

  /**
   * Converts the document. Each field that it reports is removed from the document.
   *
   * @param hideValues whether to leave the values out of the problems, as for a Secret
   */
  Conversion convert(Map<String, Object> document, boolean hideValues) {
    List<String> problems = new ArrayList<>();
    while (true) {
      try {
        Object object = strict.convertValue(document, KubernetesResource.class);
        return problems.isEmpty() ? new Conversion(object, List.of()) : failed(problems);
      } catch (IllegalArgumentException e) {
        // KubernetesSerialization wraps Jackson's exception, which contains the field path.
        if (!(e.getCause() instanceof JacksonException jackson) || jackson.getPath().isEmpty()) {
          problems.add(String.valueOf(e.getMessage()).strip());
          return failed(problems);
        }
        List<Reference> path = jackson.getPath();
        Object value = valueAt(document, path);
        problems.add(describe(path, value, jackson, hideValues));
        if (problems.size() >= MAX_PROBLEMS || !remove(document, path)) {
          return failed(problems);
        }
      }
    }
  }

  private static Conversion failed(List<String> problems) {
    return new Conversion(null, List.copyOf(problems));
  }

  /** Formats the path as {@code spec.containers[0].command}. */
  static String fieldPath(List<Reference> path) {
    StringBuilder text = new StringBuilder();
    for (Reference reference : path) {
      if (reference.getPropertyName() != null) {
        text.append(text.length() == 0 ? "" : ".").append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        text.append('[').append(reference.getIndex()).append(']');
      }
    }
    return text.toString();
  }

  private String describe(
      List<Reference> path, Object value, JacksonException error, boolean hideValues) {
    String field = fieldPath(path);
    String found = hideValues ? "a value (hidden, because it is in a Secret)" : shown(value);
    if (!(error instanceof MismatchedInputException mismatch) || mismatch.getTargetType() == null) {
      return field + " is " + found + ", which is invalid: " + error.getOriginalMessage();
    }
    Class<?> target = mismatch.getTargetType();
    String name = lastPropertyName(path);
    if (Collection.class.isAssignableFrom(target)) {
      Class<?> element = elementType(path);
      String expected =
          element == String.class
              ? "a list of strings"
              : element == null ? "a list" : "a list of " + element.getSimpleName() + " objects";
      return field
          + " is "
          + found
          + ", but must be "
          + expected
          + "; "
          + listFix(name, value, element);
    }
    if (Map.class.isAssignableFrom(target)) {
      return field
          + " is "
          + found
          + ", but must be a map of keys to values; write it as "
          + name
          + ": {key: value}";
    }
    if (target == String.class && (value instanceof Number || value instanceof Boolean)) {
      return field
          + " is "
          + found
          + ", but must be a string; put the value in quotes, as in "
          + name
          + ": \"...\", so that YAML keeps it as written";
    }
    if (target == String.class || target.isPrimitive() || Number.class.isAssignableFrom(target)) {
      return field
          + " is "
          + found
          + ", but must be a single "
          + typeName(target)
          + "; write one value, such as "
          + name
          + ": VALUE";
    }
    return field
        + " is "
        + found
        + ", but must be a "
        + target.getSimpleName()
        + " object; write its fields indented under "
        + name
        + ":";
  }

  private static String listFix(String name, Object value, Class<?> element) {
    if (element == String.class && value instanceof String text && !text.isBlank()) {
      List<String> words = new ArrayList<>();
      for (String word : text.strip().split("\\s+")) {
        words.add('"' + word.replace("\"", "\\\"") + '"');
      }
      return "write a list, such as " + name + ": [" + String.join(", ", words) + "]";
    }
    if (value instanceof Map) {
      return "write a list: put \"- \" before the first key of each item";
    }
    return "write a list, with each item on its own line starting with \"- \"";
  }

  private static String typeName(Class<?> type) {
    if (type == String.class) {
      return "string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "boolean";
    }
    return "number";
  }

  /** Returns the declared element type of the list field at the end of the path, if known. */
  private static Class<?> elementType(List<Reference> path) {
    Reference last = path.get(path.size() - 1);
    if (last.getPropertyName() == null || last.from() == null) {
      return null;
    }
    Class<?> owner = last.from() instanceof Class<?> type ? type : last.from().getClass();
    for (Class<?> type = owner; type != null; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (field.getName().equals(last.getPropertyName())
            && field.getGenericType() instanceof ParameterizedType parameterized) {
          Type argument = parameterized.getActualTypeArguments()[0];
          return argument instanceof Class<?> element ? element : null;
        }
      }
    }
    return null;
  }

  private static String lastPropertyName(List<Reference> path) {
    for (int i = path.size() - 1; i >= 0; i--) {
      if (path.get(i).getPropertyName() != null) {
        return path.get(i).getPropertyName();
      }
    }
    return "field";
  }

  private String shown(Object value) {
    String text;
    String kind;
    if (value instanceof String string) {
      kind = "the string ";
      text = serialization.asJson(string);
    } else if (value instanceof Map<?, ?>) {
      kind = "the object ";
      text = serialization.asJson(value);
    } else if (value instanceof List<?>) {
      kind = "the list ";
      text = serialization.asJson(value);
    } else {
      kind = "";
      text = String.valueOf(value);
    }
    if (text.length() > MAX_VALUE_CHARS) {
      text = text.substring(0, MAX_VALUE_CHARS) + "...";
    }
    return kind + text;
  }

  private static Object valueAt(Object document, List<Reference> path) {
    Object current = document;
    for (Reference reference : path) {
      current = child(current, reference);
      if (current == null) {
        return null;
      }
    }
    return current;
  }

  private static Object child(Object parent, Reference reference) {
    if (reference.getPropertyName() != null && parent instanceof Map<?, ?> map) {
      return map.get(reference.getPropertyName());
    }
    if (reference.getIndex() >= 0
        && parent instanceof List<?> list
        && reference.getIndex() < list.size()) {
      return list.get(reference.getIndex());
    }
    return null;
  }

  /**
   * Removes the value at the path, so the next conversion reaches the next problem. A list item is
   * set to {@code null} rather than removed, so that the indexes of later items stay the same.
   *
   * @return whether the value was found and removed
   */
  @SuppressWarnings("unchecked")
  private static boolean remove(Object document, List<Reference> path) {
    Object parent = valueAt(document, path.subList(0, path.size() - 1));
    Reference last = path.get(path.size() - 1);
    if (last.getPropertyName() != null && parent instanceof Map<?, ?> map) {
      return map.remove(last.getPropertyName()) != null;
    }
    if (last.getIndex() >= 0 && parent instanceof List<?> list && last.getIndex() < list.size()) {
      Object previous = ((List<Object>) list).set(last.getIndex(), null);
      return previous != null;
    }
    return false;
  }
}
