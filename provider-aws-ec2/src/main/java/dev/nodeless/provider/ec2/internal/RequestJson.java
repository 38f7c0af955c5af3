package dev.nodeless.provider.ec2.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;

/**
 * Writes an AWS SDK v2 request as JSON, member by member in the SDK's field order, with the members
 * that may carry secrets ({@code UserData} and any binary blob) replaced by {@code <redacted>}.
 */
public final class RequestJson {
  public static final String REDACTED = "<redacted>";
  private static final Set<String> SECRET_MEMBERS = Set.of("UserData");
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private RequestJson() {}

  /** The request as indented JSON; members that are not set are left out. */
  public static String write(SdkPojo request) {
    try {
      return MAPPER.writeValueAsString(toNode(request));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write request JSON", e);
    }
  }

  static ObjectNode toNode(SdkPojo pojo) {
    ObjectNode node = NODES.objectNode();
    for (SdkField<?> field : pojo.sdkFields()) {
      Object value = field.getValueOrDefault(pojo);
      if (value == null || isEmptyAutoConstruct(value)) {
        continue;
      }
      if (SECRET_MEMBERS.contains(field.memberName()) || value instanceof SdkBytes) {
        node.put(field.memberName(), REDACTED);
      } else {
        node.set(field.memberName(), toValue(value));
      }
    }
    return node;
  }

  private static JsonNode toValue(Object value) {
    if (value instanceof SdkPojo pojo) {
      return toNode(pojo);
    }
    if (value instanceof Collection<?> items) {
      ArrayNode array = NODES.arrayNode();
      items.forEach(item -> array.add(toValue(item)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      map.forEach((key, item) -> object.set(String.valueOf(key), toValue(item)));
      return object;
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
    return NODES.textNode(String.valueOf(value));
  }

  /** The SDK represents unset lists and maps as empty auto-construct instances. */
  private static boolean isEmptyAutoConstruct(Object value) {
    return (value instanceof software.amazon.awssdk.core.util.SdkAutoConstructList<?>)
        || (value instanceof software.amazon.awssdk.core.util.SdkAutoConstructMap<?, ?>);
  }
}
