package dev.nodeless.provider.aci;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** JSON tree helpers for tests, built on the Azure SDK's own JSON reader. */
final class JsonTrees {
  private JsonTrees() {}

  static Object parse(String json) {
    try (JsonReader reader = JsonProviders.createReader(json)) {
      return reader.readUntyped();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Object at(Object tree, String... keys) {
    Object node = tree;
    for (String key : keys) {
      node = ((Map<String, Object>) node).get(key);
    }
    return node;
  }

  /**
   * Asserts that every field of {@code expected} is in {@code actual} with an equal value, lists
   * element by element; {@code actual} may hold more fields. A missing field equals an empty list.
   */
  static void assertContains(Object actual, Object expected, String path, Set<String> ignored) {
    if (expected instanceof Map<?, ?> expectedMap) {
      assertThat(actual).as(path).isInstanceOf(Map.class);
      @SuppressWarnings("unchecked")
      Map<Object, Object> actualMap = (Map<Object, Object>) actual;
      expectedMap.forEach(
          (key, value) -> {
            String child = path + "." + key;
            if (ignored.contains(String.valueOf(key))) {
              return;
            }
            Object actualValue = actualMap.get(key);
            if (actualValue == null && value instanceof List<?> list && list.isEmpty()) {
              return;
            }
            assertThat(actualMap).as(child).containsKey(key);
            assertContains(actualValue, value, child, ignored);
          });
    } else if (expected instanceof List<?> expectedList) {
      assertThat(actual).as(path).isInstanceOf(List.class);
      List<?> actualList = (List<?>) actual;
      assertThat(actualList).as(path).hasSameSizeAs(expectedList);
      for (int i = 0; i < expectedList.size(); i++) {
        assertContains(actualList.get(i), expectedList.get(i), path + "[" + i + "]", ignored);
      }
    } else if (expected instanceof Number number) {
      assertThat(actual).as(path).isInstanceOf(Number.class);
      assertThat(new BigDecimal(actual.toString()))
          .as(path)
          .isEqualByComparingTo(number.toString());
    } else {
      assertThat(actual).as(path).isEqualTo(expected);
    }
  }
}
