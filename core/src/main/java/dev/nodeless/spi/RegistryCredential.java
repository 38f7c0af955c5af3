package dev.nodeless.spi;

import java.util.Objects;

/**
 * One registry login read from a Secret named in {@code spec.imagePullSecrets}: one entry of the
 * {@code auths} map of a {@code kubernetes.io/dockerconfigjson} or {@code kubernetes.io/dockercfg}
 * Secret. {@link #toString()} never shows the password.
 *
 * @param secretName the Secret the login came from
 * @param server the registry host, such as {@code myregistry.azurecr.io}
 * @param username the user name
 * @param password the password or token
 */
public record RegistryCredential(
    String secretName, String server, String username, String password) {

  public RegistryCredential {
    Objects.requireNonNull(secretName, "secretName");
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String toString() {
    return "RegistryCredential{" + server + ", user " + username + ", from " + secretName + "}";
  }
}
