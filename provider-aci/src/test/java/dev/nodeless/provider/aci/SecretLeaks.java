package dev.nodeless.provider.aci;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.resourcemanager.containerinstance.fluent.models.ContainerGroupInner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Search for a secret test value in the JSON of a container group request. */
final class SecretLeaks {
  private SecretLeaks() {}

  /**
   * Returns the JSON paths of strings that contain {@code canary}, plain or base64, outside the
   * fields ACI keeps secret: {@code secureValue}, {@code password} and secret volumes.
   */
  static List<String> find(ContainerGroupInner group, String canary) throws IOException {
    List<String> leaks = new ArrayList<>();
    try (JsonReader reader = JsonProviders.createReader(RequestJson.json(group))) {
      collect(reader.readUntyped(), "$", false, canary, leaks);
    }
    return leaks;
  }

  private static void collect(
      Object node, String path, boolean secure, String canary, List<String> leaks) {
    if (node instanceof Map<?, ?> map) {
      map.forEach(
          (key, value) -> {
            String name = String.valueOf(key);
            boolean inside =
                secure
                    || name.equals("secureValue")
                    || name.equals("password")
                    || (name.equals("secret") && value instanceof Map);
            collect(value, path + "." + name, inside, canary, leaks);
          });
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        collect(list.get(i), path + "[" + i + "]", secure, canary, leaks);
      }
    } else if (node instanceof String text && !secure) {
      if (text.contains(canary) || decoded(text).contains(canary)) {
        leaks.add(path);
      }
    }
  }

  /** Decodes base64 text, or returns an empty string when the text is not base64. */
  private static String decoded(String text) {
    try {
      return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }
}
