package dev.nodeless.provider.fargate;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders AWS SDK request objects as the JSON body that the ECS JSON protocol sends: member names
 * as on the wire, members in model order, map keys sorted, unset members left out. As the SDK does
 * when sending, an unset idempotency token ({@code clientToken}) gets a random UUID; the translator
 * always sets it. Walks the public {@link SdkField} metadata of each object, so it needs no SDK
 * internals.
 */
final class RequestJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final JsonMapper COMPACT = JsonMapper.builder().build();
  private static final JsonMapper PRETTY =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private RequestJson() {}

  /** Renders the request as a JSON tree. */
  static ObjectNode tree(SdkPojo pojo) {
    ObjectNode node = NODES.objectNode();
    for (SdkField<?> field : pojo.sdkFields()) {
      if (field.location() != MarshallLocation.PAYLOAD) {
        continue;
      }
      Object value = field.getValueOrDefault(pojo);
      JsonNode json = value(value);
      if (json != null) {
        node.set(field.locationName(), json);
      }
    }
    return node;
  }

  /** Renders the request as compact JSON, as the SDK would send it. */
  static String compact(SdkPojo pojo) {
    return compact(tree(pojo));
  }

  /** Renders the request as indented JSON, for people and golden files. */
  static String pretty(SdkPojo pojo) {
    return pretty(tree(pojo));
  }

  static String compact(JsonNode tree) {
    return COMPACT.writeValueAsString(tree);
  }

  static String pretty(JsonNode tree) {
    return PRETTY.writeValueAsString(tree);
  }

  private static JsonNode value(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof SdkPojo nested) {
      return tree(nested);
    }
    if (value instanceof List<?> list) {
      // The SDK returns an empty auto-constructed list for a member that was never set.
      if (list.isEmpty() && isAutoConstructed(list)) {
        return null;
      }
      ArrayNode array = NODES.arrayNode();
      list.forEach(item -> array.add(value(item)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      if (map.isEmpty() && isAutoConstructed(map)) {
        return null;
      }
      // Sorted, so that the JSON and the content digest never depend on map iteration order.
      ObjectNode object = NODES.objectNode();
      new java.util.TreeMap<>(map)
          .forEach((key, item) -> object.set(String.valueOf(key), value(item)));
      return object;
    }
    if (value instanceof String text) {
      return NODES.stringNode(text);
    }
    if (value instanceof Boolean flag) {
      return NODES.booleanNode(flag);
    }
    if (value instanceof Integer number) {
      return NODES.numberNode(number);
    }
    if (value instanceof Long number) {
      return NODES.numberNode(number);
    }
    if (value instanceof BigDecimal number) {
      return NODES.numberNode(number);
    }
    throw new IllegalArgumentException(
        "unsupported SDK member type " + value.getClass().getName() + " in an ECS request");
  }

  private static boolean isAutoConstructed(Object collection) {
    return collection instanceof software.amazon.awssdk.core.util.SdkAutoConstructList<?>
        || collection instanceof software.amazon.awssdk.core.util.SdkAutoConstructMap<?, ?>;
  }
}
