package dev.nodeless.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.FieldsV1;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Finds the fields of a manifest that its Kubernetes type does not have, at any depth, as the API
 * server's strict field validation does. The fabric8 model keeps such fields in each object's
 * {@code additionalProperties} instead of failing, so a misspelled {@code readonly: true} or {@code
 * limit:} would otherwise be dropped without a word.
 */
final class UnknownFields {
  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

  /** The JSON properties of each model class, read once per class. */
  private static final ClassValue<Shape> SHAPES =
      new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
          return Shape.of(type);
        }
      };

  private UnknownFields() {}

  /**
   * Reports each unknown field under {@code root}, with paths starting with {@code prefix}, such as
   * {@code spec.containers[0].volumeMounts[0].readonly}.
   */
  static void report(Object root, String prefix, Problems problems) {
    walk(root, prefix, problems);
  }

  private static void walk(Object value, String path, Problems problems) {
    if (value == null) {
      return;
    }
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), path + "[" + i + "]", problems);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        walk(entry.getValue(), path + "." + entry.getKey(), problems);
      }
      return;
    }
    Shape shape = SHAPES.get(value.getClass());
    if (shape.properties().isEmpty() && shape.additional() == null) {
      return;
    }
    String prefix = path.isEmpty() ? "" : path + ".";
    if (shape.additional() != null) {
      for (Map.Entry<String, Object> field : additional(shape, value).entrySet()) {
        problems.add(
            prefix + field.getKey(),
            String.valueOf(field.getValue()),
            "unknown field: the Pod API has no field of this name here",
            "remove it, or correct its spelling");
      }
    }
    for (Property property : shape.properties()) {
      walk(property.read(value), prefix + property.name(), problems);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> additional(Shape shape, Object value) {
    try {
      Object fields = shape.additional().invoke(value);
      return fields == null ? Map.of() : (Map<String, Object>) fields;
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read the fields of " + value.getClass(), e);
    }
  }

  /** One JSON property of a model class and its getter. */
  private record Property(String name, Method getter) {
    Object read(Object target) {
      try {
        return getter.invoke(target);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException("cannot read " + name + " of " + target.getClass(), e);
      }
    }
  }

  /**
   * The properties of a model class, in name order, and its getter of unknown fields; empty for
   * every other class, and for {@link FieldsV1}, whose content is free-form.
   */
  private record Shape(List<Property> properties, Method additional) {
    static Shape of(Class<?> type) {
      if (!type.getName().startsWith(MODEL_PACKAGE) || type == FieldsV1.class) {
        return new Shape(List.of(), null);
      }
      List<Property> properties = new ArrayList<>();
      Method additional = null;
      for (Method method : type.getMethods()) {
        if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())) {
          continue;
        }
        if (method.getName().equals("getAdditionalProperties")
            && Map.class.isAssignableFrom(method.getReturnType())) {
          additional = method;
          continue;
        }
        JsonProperty json = method.getAnnotation(JsonProperty.class);
        if (json != null && !json.value().isEmpty()) {
          properties.add(new Property(json.value(), method));
        }
      }
      properties.sort(Comparator.comparing(Property::name));
      return new Shape(List.copyOf(properties), additional);
    }
  }
}
