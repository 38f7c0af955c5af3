package dev.nodeless.provider.aci;

import dev.nodeless.PodRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The container group name and Azure tags of a pod.
 *
 * <p>Name: {@code <namespace>-<name>} in lower case, every run of characters other than {@code
 * a-z0-9} replaced by one {@code -}, cut to 52 characters, then {@code -} and the first 10 hex
 * digits of the SHA-256 of {@code namespace/name/uid}. The hash is always added, so pods that
 * sanitize to the same text, or a pod re-created under the same name with a new UID, still get
 * different names.
 *
 * <p>Tags: the pod identity under {@code nodeless-*} names, then the pod labels as {@code
 * label:KEY} with {@code /} written as {@code :}, within Azure's limits of 50 tags, 512 characters
 * per name and 256 per value.
 */
final class GroupNaming {
  static final int MAX_NAME = 63;
  static final int HASH_LENGTH = 10;
  static final int MAX_TAGS = 50;
  static final int MAX_TAG_NAME = 512;
  static final int MAX_TAG_VALUE = 256;

  static final String TAG_MANAGED_BY = "nodeless-managed-by";
  static final String TAG_CLUSTER = "nodeless-cluster";
  static final String TAG_NAMESPACE = "nodeless-namespace";
  static final String TAG_NAME = "nodeless-pod";
  static final String TAG_UID = "nodeless-uid";
  static final String MANAGED_BY_VALUE = "nodeless";
  static final String LABEL_TAG_PREFIX = "label:";

  private static final String FORBIDDEN_TAG_NAME_CHARS = "<>%&\\?/";

  private GroupNaming() {}

  /** The container group name: 1-63 characters of {@code a-z}, {@code 0-9} and single hyphens. */
  static String groupName(PodRef ref) {
    String hash = hash(ref.namespace() + "/" + ref.name() + "/" + ref.uid());
    String base = sanitize(ref.namespace() + "-" + ref.name());
    int room = MAX_NAME - HASH_LENGTH - 1;
    if (base.length() > room) {
      base = trimHyphens(base.substring(0, room));
    }
    return (base.isEmpty() ? "pod" : base) + "-" + hash;
  }

  /**
   * The tags of the group, in a fixed order: identity tags first, then labels sorted by key. Labels
   * that do not fit are left out, each with a note.
   */
  static Map<String, String> tags(
      PodRef ref, Optional<String> clusterId, Map<String, String> labels, Findings findings) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(TAG_MANAGED_BY, MANAGED_BY_VALUE);
    clusterId.ifPresent(id -> tags.put(TAG_CLUSTER, id));
    tags.put(TAG_NAMESPACE, limitValue(ref.namespace()));
    tags.put(TAG_NAME, limitValue(ref.name()));
    tags.put(TAG_UID, ref.uid());

    Set<String> usedNames = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    usedNames.addAll(tags.keySet());
    Map<String, String> sorted = new TreeMap<>(labels == null ? Map.of() : labels);
    int dropped = 0;
    for (Map.Entry<String, String> label : sorted.entrySet()) {
      String name = labelTagName(label.getKey());
      String value = label.getValue() == null ? "" : label.getValue();
      String reason = null;
      if (name.length() > MAX_TAG_NAME) {
        reason = "its tag name would exceed " + MAX_TAG_NAME + " characters";
      } else if (value.length() > MAX_TAG_VALUE) {
        reason = "its value exceeds " + MAX_TAG_VALUE + " characters";
      } else if (usedNames.contains(name)) {
        reason = "Azure tag names ignore case and \"" + name + "\" is already used";
      } else if (tags.size() >= MAX_TAGS) {
        dropped++;
        continue;
      }
      if (reason != null) {
        findings.note("label \"" + label.getKey() + "\" is not copied to a tag: " + reason);
        continue;
      }
      tags.put(name, value);
      usedNames.add(name);
    }
    if (dropped > 0) {
      findings.note(
          dropped
              + " labels are not copied to tags because Azure allows at most "
              + MAX_TAGS
              + " tags per resource");
    }
    return tags;
  }

  /**
   * A label key as a tag name: {@code /} becomes {@code :}, other forbidden characters {@code _}.
   */
  static String labelTagName(String key) {
    StringBuilder name = new StringBuilder(LABEL_TAG_PREFIX);
    for (char c : key.toCharArray()) {
      if (c == '/') {
        name.append(':');
      } else if (FORBIDDEN_TAG_NAME_CHARS.indexOf(c) >= 0) {
        name.append('_');
      } else {
        name.append(c);
      }
    }
    return name.toString();
  }

  private static String limitValue(String value) {
    return value.length() <= MAX_TAG_VALUE ? value : value.substring(0, MAX_TAG_VALUE);
  }

  private static String sanitize(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean hyphen = false;
    for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (allowed) {
        out.append(c);
        hyphen = false;
      } else if (!hyphen) {
        out.append('-');
        hyphen = true;
      }
    }
    return trimHyphens(out.toString());
  }

  private static String trimHyphens(String text) {
    int start = 0;
    int end = text.length();
    while (start < end && text.charAt(start) == '-') {
      start++;
    }
    while (end > start && text.charAt(end - 1) == '-') {
      end--;
    }
    return text.substring(start, end);
  }

  private static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
