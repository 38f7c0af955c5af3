package dev.nodeless.spi;

/**
 * Values that only the provider knows, needed for downward API fields such as {@code
 * spec.nodeName}, {@code status.hostIP} and {@code status.podIP}. A {@code null} field means the
 * provider cannot know it before the pod starts; a pod that needs it is rejected by validation.
 */
public record DownwardFacts(String nodeName, String hostIp, String podIp) {}
