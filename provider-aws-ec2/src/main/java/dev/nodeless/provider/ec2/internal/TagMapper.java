package dev.nodeless.provider.ec2.internal;

import dev.nodeless.PodRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Builds the tags of every resource launched for a pod within EC2's limits: at most 50 tags per
 * resource, keys of at most 128 characters, values of at most 256, and no key starting with {@code
 * aws:}. Ownership tags come first and always fit; then the extra tags the pod asks for by
 * annotation, then its labels, each sorted by key. What does not fit is dropped or truncated in
 * that order, the same way for the same pod, and each such change gets a note.
 */
public final class TagMapper {
  public static final int MAX_TAGS = 50;
  public static final int MAX_KEY_LENGTH = 128;
  public static final int MAX_VALUE_LENGTH = 256;

  public static final String CLUSTER = "nodeless.dev/cluster";
  public static final String POD_NAMESPACE = "nodeless.dev/pod-namespace";
  public static final String POD_NAME = "nodeless.dev/pod-name";
  public static final String POD_UID = "nodeless.dev/pod-uid";
  public static final String NAME = "Name";

  /** Tags and the notes about what was dropped or truncated. */
  public record Mapped(List<Tag> tags, List<String> notes) {}

  private TagMapper() {}

  /**
   * Maps the ownership tags, then {@code extra} (from an annotation), then {@code labels}.
   *
   * @param extraSource where {@code extra} came from, for notes
   */
  public static Mapped map(
      String clusterId,
      PodRef pod,
      Map<String, String> extra,
      String extraSource,
      Map<String, String> labels) {
    List<String> notes = new ArrayList<>();
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(NAME, truncate("nodeless " + pod.namespace() + "/" + pod.name(), MAX_VALUE_LENGTH));
    tags.put(CLUSTER, truncate(clusterId, MAX_VALUE_LENGTH));
    tags.put(POD_NAMESPACE, pod.namespace());
    tags.put(POD_NAME, truncate(pod.name(), MAX_VALUE_LENGTH));
    tags.put(POD_UID, truncate(pod.uid(), MAX_VALUE_LENGTH));
    int reserved = tags.size();

    List<String> dropped = new ArrayList<>();
    addAll(
        tags, new TreeMap<>(extra), "annotation " + extraSource + " key", notes, dropped, reserved);
    addAll(tags, new TreeMap<>(labels), "label", notes, dropped, reserved);
    if (!dropped.isEmpty()) {
      notes.add(
          dropped.size()
              + " tags dropped because EC2 allows "
              + MAX_TAGS
              + " tags per resource: "
              + dropped);
    }

    List<Tag> result = new ArrayList<>();
    tags.forEach((key, value) -> result.add(Tag.builder().key(key).value(value).build()));
    return new Mapped(List.copyOf(result), List.copyOf(notes));
  }

  private static void addAll(
      Map<String, String> tags,
      Map<String, String> source,
      String kind,
      List<String> notes,
      List<String> dropped,
      int reserved) {
    for (Map.Entry<String, String> entry : source.entrySet()) {
      String key = entry.getKey();
      String value = entry.getValue() == null ? "" : entry.getValue();
      if (key == null || key.isEmpty()) {
        continue;
      }
      if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
        notes.add(kind + " " + key + " not tagged: EC2 reserves the aws: prefix");
        continue;
      }
      if (length(key) > MAX_KEY_LENGTH) {
        notes.add(
            kind
                + " "
                + truncate(key, 40)
                + "... not tagged: its key has "
                + length(key)
                + " characters, EC2 allows "
                + MAX_KEY_LENGTH);
        continue;
      }
      if (tags.containsKey(key)) {
        if (isOwnership(key)) {
          notes.add(kind + " " + key + " not tagged: Nodeless sets that tag itself");
        }
        continue;
      }
      if (length(value) > MAX_VALUE_LENGTH) {
        notes.add(
            kind + " " + key + " value truncated to " + MAX_VALUE_LENGTH + " characters for EC2");
        value = truncate(value, MAX_VALUE_LENGTH);
      }
      if (tags.size() >= MAX_TAGS) {
        dropped.add(key);
        continue;
      }
      tags.put(key, value);
    }
  }

  private static boolean isOwnership(String key) {
    return NAME.equals(key)
        || CLUSTER.equals(key)
        || POD_NAMESPACE.equals(key)
        || POD_NAME.equals(key)
        || POD_UID.equals(key);
  }

  /** Length in Unicode code points, the unit of EC2's tag limits. */
  static int length(String text) {
    return text.codePointCount(0, text.length());
  }

  static String truncate(String text, int max) {
    if (length(text) <= max) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, max));
  }
}
