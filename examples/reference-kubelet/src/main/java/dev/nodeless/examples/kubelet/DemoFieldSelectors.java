package dev.nodeless.examples.kubelet;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Field selectors for the demo API server. The fabric8 mock evaluates only {@code metadata.name}
 * and {@code metadata.namespace}; every other term, such as {@code spec.nodeName} or {@code
 * involvedObject.name}, is taken out of the request and applied to the returned list here.
 */
final class DemoFieldSelectors {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** One term such as {@code spec.nodeName=node-1} or {@code status.phase!=Failed}. */
  record Term(String field, String value, boolean equal) {
    boolean matches(Object item) {
      Object found = item;
      for (String part : field.split("\\.")) {
        found = found instanceof Map<?, ?> map ? map.get(part) : null;
      }
      String actual = found == null ? "" : found.toString();
      return equal == actual.equals(value);
    }
  }

  /** A request path without the unsupported terms, and those terms. */
  record Split(String pathWithoutUnsupported, List<Term> unsupported) {}

  private DemoFieldSelectors() {}

  static Split split(String path) {
    int question = path.indexOf('?');
    if (question < 0) {
      return new Split(path, List.of());
    }
    List<String> kept = new ArrayList<>();
    List<Term> unsupported = new ArrayList<>();
    for (String parameter : path.substring(question + 1).split("&")) {
      if (!parameter.startsWith("fieldSelector=")) {
        kept.add(parameter);
        continue;
      }
      String selector =
          URLDecoder.decode(parameter.substring("fieldSelector=".length()), StandardCharsets.UTF_8);
      List<String> supported = new ArrayList<>();
      for (String text : selector.split(",")) {
        Term term = parse(text);
        if (term.field().equals("metadata.name") || term.field().equals("metadata.namespace")) {
          supported.add(text);
        } else {
          unsupported.add(term);
        }
      }
      if (!supported.isEmpty()) {
        kept.add(
            "fieldSelector="
                + URLEncoder.encode(String.join(",", supported), StandardCharsets.UTF_8));
      }
    }
    String rebuilt =
        path.substring(0, question) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    return new Split(rebuilt, unsupported);
  }

  /** Keeps the items of a JSON list that match every term. */
  @SuppressWarnings("unchecked")
  static String filterList(String listJson, List<Term> terms) {
    Map<String, Object> list = JSON.unmarshal(listJson, Map.class);
    Object items = list.get("items");
    if (items instanceof List<?> all) {
      List<?> kept =
          all.stream().filter(item -> terms.stream().allMatch(t -> t.matches(item))).toList();
      list.put("items", kept);
      // Typed clients such as kubectl describe decode EventList, not the mock's plain List.
      if (!kept.isEmpty() && kept.get(0) instanceof Map<?, ?> first && first.get("kind") != null) {
        list.put("kind", first.get("kind") + "List");
      }
    }
    return JSON.asJson(list);
  }

  /** Decodes a query string into its first value per name, in order. */
  static Map<String, String> queryParameters(String query) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return parameters;
    }
    for (String parameter : query.split("&")) {
      String[] pair = parameter.split("=", 2);
      parameters.putIfAbsent(
          URLDecoder.decode(pair[0], StandardCharsets.UTF_8),
          pair.length > 1 ? URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : "");
    }
    return parameters;
  }

  private static Term parse(String text) {
    int notEqual = text.indexOf("!=");
    if (notEqual >= 0) {
      return new Term(text.substring(0, notEqual), text.substring(notEqual + 2), false);
    }
    int doubleEqual = text.indexOf("==");
    if (doubleEqual >= 0) {
      return new Term(text.substring(0, doubleEqual), text.substring(doubleEqual + 2), true);
    }
    int equal = text.indexOf('=');
    return new Term(
        Objects.requireNonNull(equal >= 0 ? text.substring(0, equal) : text),
        equal >= 0 ? text.substring(equal + 1) : "",
        true);
  }
}
