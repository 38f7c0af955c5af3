package dev.nodeless.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Creates a {@link PodProvider}. Provider modules register an implementation with {@link
 * java.util.ServiceLoader}; the launcher tries them by descending {@link #priority()}.
 */
public interface PodProviderFactory {

  /** The provider name that callers select it by. */
  String name();

  /** Higher is tried first when the caller names no provider. */
  int priority();

  /**
   * Checks whether the provider can run here with these settings, without side effects.
   *
   * @return empty when it can, otherwise the reason it cannot, in words a user can act on
   */
  Optional<String> unavailableReason(Map<String, String> settings);

  PodProvider create(ProviderContext context);
}
