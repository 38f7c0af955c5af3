package dev.nodeless.internal;

import java.util.regex.Pattern;

/** The Kubernetes syntax rules for names, keys and paths, with the wording used in problems. */
final class Names {
  static final int DNS_LABEL_MAX = 63;
  static final int DNS_SUBDOMAIN_MAX = 253;
  static final int QUALIFIED_NAME_MAX = 63;
  static final int LABEL_VALUE_MAX = 63;
  static final int PORT_NAME_MAX = 15;
  static final int CONFIG_KEY_MAX = 253;

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern QUALIFIED_NAME_PART =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern PORT_NAME = Pattern.compile("[-a-z0-9]+");
  private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");

  static final String DNS_LABEL_RULE =
      "must be a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending"
          + " with a letter or digit";
  static final String DNS_SUBDOMAIN_RULE =
      "must be a DNS-1123 subdomain: at most 253 characters of lowercase letters, digits, '-' and"
          + " '.', each dot-separated part starting and ending with a letter or digit";
  static final String QUALIFIED_NAME_RULE =
      "must be a qualified name: an optional DNS subdomain prefix and '/', then at most 63 letters,"
          + " digits, '-', '_' and '.', starting and ending with a letter or digit";
  static final String LABEL_VALUE_RULE =
      "must be empty or at most 63 letters, digits, '-', '_' and '.', starting and ending with a"
          + " letter or digit";
  static final String PORT_NAME_RULE =
      "must be an IANA service name: at most 15 lowercase letters, digits and '-', with at least"
          + " one letter, no leading, trailing or doubled '-'";
  static final String ENV_NAME_RULE =
      "must be a non-empty environment variable name of printable ASCII characters other than '='";
  static final String CONFIG_KEY_RULE =
      "must be a ConfigMap or Secret key: at most 253 letters, digits, '-', '_' and '.', and not"
          + " '.', '..' or starting with '..'";

  private Names() {}

  static boolean isDnsLabel(String value) {
    return value != null && value.length() <= DNS_LABEL_MAX && DNS_LABEL.matcher(value).matches();
  }

  static boolean isDnsSubdomain(String value) {
    return value != null
        && value.length() <= DNS_SUBDOMAIN_MAX
        && DNS_SUBDOMAIN.matcher(value).matches();
  }

  /** Whether a label or annotation key is a qualified name such as {@code example.com/tier}. */
  static boolean isQualifiedName(String value) {
    if (value == null || value.isEmpty()) {
      return false;
    }
    String name = value;
    int slash = value.indexOf('/');
    if (slash >= 0) {
      String prefix = value.substring(0, slash);
      name = value.substring(slash + 1);
      if (prefix.isEmpty() || !isDnsSubdomain(prefix)) {
        return false;
      }
    }
    return name.length() <= QUALIFIED_NAME_MAX && QUALIFIED_NAME_PART.matcher(name).matches();
  }

  static boolean isLabelValue(String value) {
    return value != null
        && (value.isEmpty()
            || (value.length() <= LABEL_VALUE_MAX && QUALIFIED_NAME_PART.matcher(value).matches()));
  }

  /** Whether a port name is an IANA service name, such as {@code http} or {@code grpc-web}. */
  static boolean isPortName(String value) {
    return value != null
        && value.length() <= PORT_NAME_MAX
        && PORT_NAME.matcher(value).matches()
        && value.chars().anyMatch(c -> c >= 'a' && c <= 'z')
        && !value.startsWith("-")
        && !value.endsWith("-")
        && !value.contains("--");
  }

  /**
   * Whether an environment variable name is valid under relaxed validation, the default of current
   * Kubernetes releases: printable ASCII without {@code =}.
   */
  static boolean isEnvName(String value) {
    if (value == null || value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < ' ' || c > '~' || c == '=') {
        return false;
      }
    }
    return true;
  }

  static boolean isConfigKey(String value) {
    return value != null
        && value.length() <= CONFIG_KEY_MAX
        && CONFIG_KEY.matcher(value).matches()
        && !value.equals(".")
        && !value.equals("..")
        && !value.startsWith("..");
  }

  /**
   * Checks a file path inside a volume: relative, without {@code ..} elements, not starting with
   * {@code ..}.
   *
   * @return the rule broken, or {@code null} when the path is valid
   */
  static String pathProblem(String path) {
    if (path == null || path.isEmpty()) {
      return "is required";
    }
    if (path.startsWith("/")) {
      return "must be a relative path, not start with '/'";
    }
    if (path.startsWith("..")) {
      return "must not start with '..'";
    }
    for (String element : path.split("/", -1)) {
      if (element.equals("..")) {
        return "must not contain '..' as a path element";
      }
    }
    return null;
  }

  /** The path of a map entry: {@code base.key} for simple keys, {@code base[key]} otherwise. */
  static String entry(String base, String key) {
    boolean simple = key != null && !key.isEmpty() && key.chars().allMatch(Names::isSimple);
    return simple ? base + "." + key : base + "[" + key + "]";
  }

  private static boolean isSimple(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  }
}
