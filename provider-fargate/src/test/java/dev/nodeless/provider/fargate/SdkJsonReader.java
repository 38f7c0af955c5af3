package dev.nodeless.provider.fargate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.utils.builder.SdkBuilder;
import tools.jackson.databind.JsonNode;

/**
 * Reads ECS JSON (as the service receives it) into AWS SDK request objects, through the SDK's
 * public field metadata. It fails on any member name the model does not know, so reading JSON back
 * proves that every name in it is a real ECS member.
 */
final class SdkJsonReader {
  private SdkJsonReader() {}

  /** Fills {@code builder} from {@code json} and builds the object. */
  @SuppressWarnings("unchecked")
  static <T> T read(JsonNode json, SdkBuilder<?, T> builder) {
    fill((SdkPojo) builder, json);
    return builder.build();
  }

  private static void fill(SdkPojo builder, JsonNode json) {
    Map<String, SdkField<?>> fields = new LinkedHashMap<>();
    builder.sdkFields().forEach(field -> fields.put(field.locationName(), field));
    for (Map.Entry<String, JsonNode> member : json.properties()) {
      SdkField<?> field = fields.get(member.getKey());
      if (field == null) {
        throw new IllegalArgumentException(
            "\"" + member.getKey() + "\" is not a member of " + builder.getClass().getSimpleName());
      }
      field.set(builder, value(field, member.getValue()));
    }
  }

  private static Object value(SdkField<?> field, JsonNode json) {
    MarshallingType<?> type = field.marshallingType();
    if (type == MarshallingType.STRING) {
      return json.asString();
    }
    if (type == MarshallingType.INTEGER) {
      return json.asInt();
    }
    if (type == MarshallingType.LONG) {
      return json.asLong();
    }
    if (type == MarshallingType.BOOLEAN) {
      return json.asBoolean();
    }
    if (type == MarshallingType.DOUBLE) {
      return json.asDouble();
    }
    if (type == MarshallingType.SDK_POJO) {
      SdkPojo nested = field.constructor().get();
      fill(nested, json);
      return ((SdkBuilder<?, ?>) nested).build();
    }
    if (type == MarshallingType.LIST) {
      SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
      List<Object> items = new ArrayList<>();
      json.forEach(item -> items.add(value(member, item)));
      return items;
    }
    if (type == MarshallingType.MAP) {
      SdkField<?> valueField = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
      Map<String, Object> entries = new LinkedHashMap<>();
      json.properties()
          .forEach(entry -> entries.put(entry.getKey(), value(valueField, entry.getValue())));
      return entries;
    }
    throw new IllegalArgumentException("unsupported member type of " + field.memberName());
  }
}
