package dev.nodeless.provider.aci;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.json.JsonWriter;
import com.azure.resourcemanager.containerinstance.fluent.models.ContainerGroupInner;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ARM request body of a container group, written by the Azure SDK's own serializer, and a copy
 * with every secret replaced by {@value #REDACTED}.
 */
final class RequestJson {
  static final String REDACTED = "<redacted>";

  /**
   * Fields whose value is secret wherever they appear: secure environment values, registry
   * passwords, storage account keys and Log Analytics workspace keys.
   */
  static final Set<String> SECRET_FIELDS =
      Set.of("secureValue", "password", "storageAccountKey", "workspaceKey");

  /** Objects whose every value is secret: the file contents of ACI secret volumes. */
  static final String SECRET_VOLUME = "secret";

  private RequestJson() {}

  /** The request body exactly as the SDK sends it, secrets included. */
  static String json(ContainerGroupInner group) {
    StringWriter out = new StringWriter();
    try (JsonWriter writer = JsonProviders.createWriter(out)) {
      group.toJson(writer);
    } catch (IOException e) {
      throw new UncheckedIOException("writing a container group to a string failed", e);
    }
    return out.toString();
  }

  /** The request body with every secret value replaced by {@value #REDACTED}. */
  static String redacted(ContainerGroupInner group) {
    Object tree;
    try (JsonReader reader = JsonProviders.createReader(json(group))) {
      tree = reader.readUntyped();
    } catch (IOException e) {
      throw new UncheckedIOException("reading back a serialized container group failed", e);
    }
    StringWriter out = new StringWriter();
    try (JsonWriter writer = JsonProviders.createWriter(out)) {
      writer.writeUntyped(redact(tree, false));
    } catch (IOException e) {
      throw new UncheckedIOException("writing a redacted container group failed", e);
    }
    return out.toString();
  }

  private static Object redact(Object node, boolean secret) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach(
          (key, value) -> {
            String name = String.valueOf(key);
            boolean hidden = secret || SECRET_FIELDS.contains(name);
            if (SECRET_VOLUME.equals(name) && value instanceof Map<?, ?>) {
              copy.put(name, redact(value, true));
            } else if (hidden
                && value != null
                && !(value instanceof Map || value instanceof List)) {
              copy.put(name, REDACTED);
            } else {
              copy.put(name, redact(value, hidden));
            }
          });
      return copy;
    }
    if (node instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(item -> copy.add(redact(item, secret)));
      return copy;
    }
    return secret && node != null ? REDACTED : node;
  }
}
