package dev.nodeless.spi;

import java.util.Objects;

/**
 * One resolved environment variable and where its value came from. Providers must put a value whose
 * {@link #secret()} is true only into their secret mechanism. {@link #toString()} never shows a
 * secret value.
 *
 * @param name the variable name
 * @param value the resolved value, possibly empty
 * @param source where the value came from
 * @param objectName the ConfigMap or Secret name for those sources, otherwise {@code null}
 * @param key the key within that ConfigMap or Secret, or {@code null} for literals, field
 *     references and whole-object {@code envFrom} entries
 */
public record EnvValue(String name, String value, Source source, String objectName, String key) {

  /** Origin of an environment value. */
  public enum Source {
    LITERAL,
    CONFIG_MAP,
    SECRET,
    FIELD,
    RESOURCE
  }

  public EnvValue {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(source, "source");
  }

  public static EnvValue literal(String name, String value) {
    return new EnvValue(name, value, Source.LITERAL, null, null);
  }

  public boolean secret() {
    return source == Source.SECRET;
  }

  @Override
  public String toString() {
    String shown = secret() ? "<redacted>" : value;
    return name
        + "="
        + shown
        + " ("
        + source
        + (objectName == null ? "" : " " + objectName)
        + (key == null ? "" : "/" + key)
        + ")";
  }
}
