package dev.nodeless.provider.fargate;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallLocation;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JacksonSerializable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.TypeSerializer;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders AWS SDK request objects as the JSON body that the ECS JSON protocol sends: member names
 * as on the wire, members in model order, map keys sorted, unset members left out. As the SDK does
 * when sending, an unset idempotency token ({@code clientToken}) gets a random UUID; the translator
 * always sets it. Walks the public {@link SdkField} metadata of each object, so it needs no SDK
 * internals, and streams the JSON without building a tree.
 */
final class RequestJson {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final ObjectWriter COMPACT = MAPPER.writer();
  private static final ObjectWriter PRETTY = MAPPER.writer().withDefaultPrettyPrinter();

  private RequestJson() {}

  /** Renders the request as compact JSON, as the SDK would send it. */
  static String compact(SdkPojo pojo) {
    return render(pojo, COMPACT);
  }

  /** Renders the request as indented JSON, for people. */
  static String pretty(SdkPojo pojo) {
    return render(pojo, PRETTY);
  }

  /** Parses rendered JSON into a tree, for tests that compare structures. */
  static ObjectNode tree(SdkPojo pojo) {
    return (ObjectNode) MAPPER.readTree(compact(pojo));
  }

  static String compact(JsonNode tree) {
    return COMPACT.writeValueAsString(tree);
  }

  private static String render(SdkPojo pojo, ObjectWriter writer) {
    // Going through writeValueAsString reuses Jackson's recycled buffers and string writer.
    return writer.writeValueAsString(new Streamed(pojo));
  }

  /** An SDK object that Jackson serializes by streaming its fields. */
  private static final class Streamed extends JacksonSerializable.Base {
    private final SdkPojo pojo;

    Streamed(SdkPojo pojo) {
      this.pojo = pojo;
    }

    @Override
    public void serialize(JsonGenerator generator, SerializationContext context) {
      writePojo(pojo, generator);
    }

    @Override
    public void serializeWithType(
        JsonGenerator generator, SerializationContext context, TypeSerializer typeSerializer) {
      writePojo(pojo, generator);
    }
  }

  private static void writePojo(SdkPojo pojo, JsonGenerator generator) {
    generator.writeStartObject();
    for (SdkField<?> field : pojo.sdkFields()) {
      if (field.location() != MarshallLocation.PAYLOAD) {
        continue;
      }
      Object value = field.getValueOrDefault(pojo);
      if (isUnset(value)) {
        continue;
      }
      generator.writeName(field.locationName());
      writeValue(value, generator);
    }
    generator.writeEndObject();
  }

  private static void writeValue(Object value, JsonGenerator generator) {
    if (value == null) {
      generator.writeNull();
    } else if (value instanceof SdkPojo nested) {
      writePojo(nested, generator);
    } else if (value instanceof List<?> list) {
      generator.writeStartArray();
      for (Object item : list) {
        writeValue(item, generator);
      }
      generator.writeEndArray();
    } else if (value instanceof Map<?, ?> map) {
      // Sorted, so that the JSON and the content digest never depend on map iteration order.
      generator.writeStartObject();
      for (Map.Entry<?, ?> entry : new TreeMap<>(map).entrySet()) {
        generator.writeName(String.valueOf(entry.getKey()));
        writeValue(entry.getValue(), generator);
      }
      generator.writeEndObject();
    } else if (value instanceof String text) {
      generator.writeString(text);
    } else if (value instanceof Boolean flag) {
      generator.writeBoolean(flag);
    } else if (value instanceof Integer number) {
      generator.writeNumber(number);
    } else if (value instanceof Long number) {
      generator.writeNumber(number);
    } else if (value instanceof BigDecimal number) {
      generator.writeNumber(number);
    } else {
      throw new IllegalArgumentException(
          "unsupported SDK member type " + value.getClass().getName() + " in an ECS request");
    }
  }

  /** Whether a member was never set: null, or the empty collection the SDK returns for it. */
  private static boolean isUnset(Object value) {
    return value == null
        || (value instanceof SdkAutoConstructList<?> list && list.isEmpty())
        || (value instanceof SdkAutoConstructMap<?, ?> map && map.isEmpty());
  }
}
