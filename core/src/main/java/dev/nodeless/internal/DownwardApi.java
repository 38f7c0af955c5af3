package dev.nodeless.internal;

import dev.nodeless.resources.Quantities;
import dev.nodeless.spi.DownwardFacts;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectFieldSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The downward API: which {@code fieldRef} and {@code resourceFieldRef} selectors are valid, and
 * their values as the kubelet computes them.
 */
final class DownwardApi {
  private static final Set<String> ENV_FIELDS =
      Set.of(
          "metadata.name",
          "metadata.namespace",
          "metadata.uid",
          "spec.nodeName",
          "spec.serviceAccountName",
          "status.hostIP",
          "status.hostIPs",
          "status.podIP",
          "status.podIPs");
  private static final Set<String> VOLUME_FIELDS =
      Set.of(
          "metadata.name",
          "metadata.namespace",
          "metadata.uid",
          "metadata.labels",
          "metadata.annotations");
  private static final Set<String> RESOURCES =
      Set.of(
          "limits.cpu",
          "limits.memory",
          "limits.ephemeral-storage",
          "requests.cpu",
          "requests.memory",
          "requests.ephemeral-storage");
  private static final BigDecimal MILLI = new BigDecimal("0.001");
  private static final Set<String> MEMORY_DIVISORS =
      Set.of("1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei");

  private DownwardApi() {}

  // ---- validation ---------------------------------------------------------------------------

  static void validateFieldRef(
      Problems problems, String path, ObjectFieldSelector ref, boolean env) {
    String apiVersion = ref.getApiVersion();
    if (apiVersion != null && !apiVersion.isEmpty() && !apiVersion.equals("v1")) {
      problems.add(
          path + ".apiVersion", apiVersion, "must be v1", "set apiVersion: v1 or leave it unset");
    }
    String field = ref.getFieldPath();
    if (field == null || field.isEmpty()) {
      problems.required(path + ".fieldPath", "name a pod field, such as metadata.name");
      return;
    }
    Subscript subscript = Subscript.parse(field);
    if (subscript != null) {
      String key =
          subscript.field().equals("metadata.annotations")
              ? subscript.key().toLowerCase(java.util.Locale.ROOT)
              : subscript.key();
      if (!Names.isQualifiedName(key)) {
        problems.add(
            path + ".fieldPath",
            field,
            "the key in brackets " + Names.QUALIFIED_NAME_RULE,
            "fix the key, such as metadata.labels['app']");
      }
      return;
    }
    Set<String> supported = env ? ENV_FIELDS : VOLUME_FIELDS;
    if (!supported.contains(field)) {
      problems.add(
          path + ".fieldPath",
          field,
          (env
                  ? "is not supported in env; supported: "
                  : "is not supported in volumes; supported: ")
              + String.join(", ", sorted(supported))
              + ", metadata.labels['KEY'], metadata.annotations['KEY']",
          env
              ? "use one of those fields, or a downwardAPI volume for whole labels or annotations"
              : "use one of those fields, or an env var for spec and status fields");
    }
  }

  static void validateResourceFieldRef(
      Problems problems, String path, ResourceFieldSelector ref, Pod pod, boolean volume) {
    String resource = ref.getResource();
    if (resource == null || resource.isEmpty()) {
      problems.required(path + ".resource", "name a resource, such as limits.memory");
    } else if (!RESOURCES.contains(resource)
        && !resource.startsWith("limits.hugepages-")
        && !resource.startsWith("requests.hugepages-")) {
      problems.add(
          path + ".resource",
          resource,
          "must be one of " + String.join(", ", sorted(RESOURCES)) + " or a hugepages resource",
          "use one of those resources");
      resource = null;
    }
    String containerName = ref.getContainerName();
    if (containerName == null || containerName.isEmpty()) {
      if (volume) {
        problems.required(
            path + ".containerName", "name the container whose resources the file shows");
      }
    } else if (findContainer(pod, containerName) == null) {
      problems.add(
          path + ".containerName",
          containerName,
          "must name a container of this pod",
          "use the name of one of the pod's containers");
    }
    Quantity divisor = ref.getDivisor();
    if (divisor != null && resource != null) {
      validateDivisor(problems, path + ".divisor", resource, divisor);
    }
  }

  private static void validateDivisor(
      Problems problems, String path, String resource, Quantity divisor) {
    BigDecimal value;
    try {
      value = Quantities.toDecimal(divisor);
    } catch (IllegalArgumentException e) {
      problems.add(path, PodValidator.text(divisor), e.getMessage(), "use a divisor such as 1Mi");
      return;
    }
    if (value.signum() == 0) {
      return;
    }
    if (resource.endsWith(".cpu")) {
      if (value.compareTo(BigDecimal.ONE) != 0 && value.compareTo(MILLI) != 0) {
        problems.add(path, PodValidator.text(divisor), "must be 1m or 1 for cpu", "use 1m or 1");
      }
      return;
    }
    boolean allowed = false;
    for (String candidate : MEMORY_DIVISORS) {
      allowed |= Quantities.parse(candidate).compareTo(value) == 0;
    }
    if (!allowed) {
      problems.add(
          path,
          PodValidator.text(divisor),
          "must be one of 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei",
          "use one of those divisors, such as 1Mi");
    }
  }

  // ---- values -------------------------------------------------------------------------------

  /**
   * The value of a pod field for env or a volume file, or {@code null} after adding a problem when
   * the provider cannot know it before launch.
   */
  static String fieldValue(
      Pod pod, DownwardFacts facts, String field, Problems problems, String path, String provider) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    Subscript subscript = Subscript.parse(field);
    if (subscript != null) {
      Map<String, String> map = subscript.field().equals("metadata.labels") ? labels : annotations;
      String value = map == null ? null : map.get(subscript.key());
      return value == null ? "" : value;
    }
    switch (field) {
      case "metadata.name":
        return pod.getMetadata().getName();
      case "metadata.namespace":
        return pod.getMetadata().getNamespace();
      case "metadata.uid":
        return pod.getMetadata().getUid();
      case "metadata.labels":
        return formatMap(labels);
      case "metadata.annotations":
        return formatMap(annotations);
      case "spec.serviceAccountName":
        // The API server's ServiceAccount admission sets "default" when the pod names none.
        String account = pod.getSpec().getServiceAccountName();
        return account == null || account.isEmpty() ? "default" : account;
      case "spec.nodeName":
        return fact(facts.nodeName(), field, problems, path, provider);
      case "status.hostIP":
      case "status.hostIPs":
        return fact(facts.hostIp(), field, problems, path, provider);
      case "status.podIP":
      case "status.podIPs":
        return fact(facts.podIp(), field, problems, path, provider);
      default:
        // Validation has reported the unsupported field already.
        return "";
    }
  }

  private static String fact(
      String value, String field, Problems problems, String path, String provider) {
    if (value == null) {
      problems.add(
          path,
          field,
          "needs a value that provider '" + provider + "' only knows after the pod starts",
          "remove the reference, or read the value inside the container, such as with hostname"
              + " -i");
    }
    return value;
  }

  /**
   * The value of a container resource as the kubelet writes it: the amount divided by the divisor
   * and rounded up, with CPU first rounded up to millicores and other resources to whole units. A
   * missing limit of cpu, memory or ephemeral-storage falls back to the node's allocatable amount.
   *
   * @return the value, or {@code null} after adding a problem
   */
  static String resourceValue(
      Pod pod,
      Container current,
      ResourceFieldSelector ref,
      DownwardFacts facts,
      Problems problems,
      String path,
      String provider) {
    Container container =
        ref.getContainerName() == null || ref.getContainerName().isEmpty()
            ? current
            : findContainer(pod, ref.getContainerName());
    String selector = ref.getResource();
    if (container == null || selector == null || !selector.contains(".")) {
      return null;
    }
    String kind = selector.substring(0, selector.indexOf('.'));
    String resource = selector.substring(selector.indexOf('.') + 1);
    ResourceRequirements requirements = container.getResources();
    BigDecimal limit = amount(requirements == null ? null : requirements.getLimits(), resource);
    BigDecimal amount;
    if (kind.equals("limits")) {
      amount = limit;
      if (amount == null || amount.signum() == 0) {
        amount = facts.nodeAllocatable().get(resource);
        if (amount == null) {
          problems.add(
              path,
              selector,
              "container '"
                  + container.getName()
                  + "' has no "
                  + resource
                  + " limit, and provider '"
                  + provider
                  + "' reports no allocatable "
                  + resource
                  + " to use instead",
              "set resources.limits." + resource + " on container '" + container.getName() + "'");
          return null;
        }
      }
    } else {
      BigDecimal request =
          amount(requirements == null ? null : requirements.getRequests(), resource);
      // The API server defaults a missing request to the limit; without either it is zero.
      if (request != null) {
        amount = request;
      } else if (limit != null) {
        amount = limit;
      } else {
        amount = BigDecimal.ZERO;
      }
    }
    BigDecimal divisor = BigDecimal.ONE;
    if (ref.getDivisor() != null) {
      BigDecimal parsed = Quantities.toDecimal(ref.getDivisor());
      divisor = parsed.signum() == 0 ? BigDecimal.ONE : parsed;
    }
    BigDecimal result;
    if (resource.equals("cpu")) {
      BigDecimal millis = amount.movePointRight(3).setScale(0, RoundingMode.CEILING);
      BigDecimal divisorMillis = divisor.movePointRight(3).setScale(0, RoundingMode.CEILING);
      result = millis.divide(divisorMillis, 0, RoundingMode.CEILING);
    } else {
      BigDecimal units = amount.setScale(0, RoundingMode.CEILING);
      BigDecimal divisorUnits = divisor.setScale(0, RoundingMode.CEILING);
      result = units.divide(divisorUnits, 0, RoundingMode.CEILING);
    }
    return result.toPlainString();
  }

  private static BigDecimal amount(Map<String, Quantity> amounts, String resource) {
    Quantity quantity = amounts == null ? null : amounts.get(resource);
    return quantity == null ? null : Quantities.toDecimal(quantity);
  }

  /** Finds a container by name among the app containers, then the init containers. */
  static Container findContainer(Pod pod, String name) {
    List<Container> all = new ArrayList<>();
    if (pod.getSpec().getContainers() != null) {
      all.addAll(pod.getSpec().getContainers());
    }
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    for (Container container : all) {
      if (container != null && name.equals(container.getName())) {
        return container;
      }
    }
    return null;
  }

  /**
   * Formats labels or annotations as the kubelet writes them into a downwardAPI file: one {@code
   * key="value"} line per entry, sorted by key, with the value quoted like Go's {@code %q}, and no
   * newline after the last line.
   */
  static String formatMap(Map<String, String> map) {
    if (map == null || map.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> entry : new TreeMap<>(map).entrySet()) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(entry.getKey()).append('=').append(goQuote(entry.getValue()));
    }
    return out.toString();
  }

  /**
   * Quotes a string like Go's {@code strconv.Quote}: backslash escapes for quotes, backslashes and
   * control characters, and {@code \\u} escapes for characters that are not printable.
   */
  static String goQuote(String value) {
    String text = value == null ? "" : value;
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case 7 -> out.append("\\a");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case 11 -> out.append("\\v");
        default -> appendRune(out, c);
      }
    }
    return out.append('"').toString();
  }

  private static void appendRune(StringBuilder out, int c) {
    if (c < 0x20 || c == 0x7f) {
      out.append(String.format("\\x%02x", c));
    } else if (c < 0x7f || isPrintable(c)) {
      out.appendCodePoint(c);
    } else if (Character.isSurrogate((char) c) && c <= 0xFFFF) {
      out.append("\\ufffd");
    } else if (c <= 0xFFFF) {
      out.append(String.format("\\u%04x", c));
    } else {
      out.append(String.format("\\U%08x", c));
    }
  }

  /** Approximates Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols. */
  private static boolean isPrintable(int c) {
    switch (Character.getType(c)) {
      case Character.CONTROL:
      case Character.FORMAT:
      case Character.UNASSIGNED:
      case Character.PRIVATE_USE:
      case Character.SURROGATE:
      case Character.LINE_SEPARATOR:
      case Character.PARAGRAPH_SEPARATOR:
      case Character.SPACE_SEPARATOR:
        return false;
      default:
        return true;
    }
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }

  /** A subscripted field path such as {@code metadata.labels['app']}. */
  record Subscript(String field, String key) {
    static Subscript parse(String fieldPath) {
      for (String field : List.of("metadata.labels", "metadata.annotations")) {
        String prefix = field + "['";
        if (fieldPath.startsWith(prefix) && fieldPath.endsWith("']")) {
          return new Subscript(field, fieldPath.substring(prefix.length(), fieldPath.length() - 2));
        }
      }
      return null;
    }
  }
}
