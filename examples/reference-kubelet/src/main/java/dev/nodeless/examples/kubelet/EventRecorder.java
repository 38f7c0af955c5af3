package dev.nodeless.examples.kubelet;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code core/v1} Events about pods, as {@code kubectl describe pod} shows them. Writes run
 * on one background thread, so pod syncs do not wait on them. An event repeated for the same pod,
 * reason and message, while the recorder still remembers the first one (the last 4,096 are kept),
 * raises the count of the existing Event instead of adding one, as the kubelet's recorder does.
 */
final class EventRecorder implements AutoCloseable {
  static final String COMPONENT = "nodeless-kubelet";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final int MAX_MESSAGE = 1024;
  private static final int REMEMBERED = 4096;

  private final KubernetesClient client;
  private final String nodeName;
  private final Clock clock;
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(WorkQueue.daemonThreads("kubelet-events"));
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, Event> recent =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
          return size() > REMEMBERED;
        }
      };

  EventRecorder(KubernetesClient client, String nodeName, Clock clock) {
    this.client = client;
    this.nodeName = nodeName;
    this.clock = clock;
  }

  void normal(Pod pod, String reason, String message) {
    record(pod, "Normal", reason, message);
  }

  void warning(Pod pod, String reason, String message) {
    record(pod, "Warning", reason, message);
  }

  private void record(Pod pod, String type, String reason, String message) {
    String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message;
    try {
      writer.execute(() -> write(pod, type, reason, text));
    } catch (RejectedExecutionException e) {
      LOG.debug("Event {} for pod {} dropped: the kubelet is stopping", reason, name(pod));
    }
  }

  private void write(Pod pod, String type, String reason, String message) {
    String now =
        DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    String key = pod.getMetadata().getUid() + "|" + type + "|" + reason + "|" + message;
    try {
      Event previous = recent.get(key);
      if (previous != null) {
        Event updated = raiseCount(previous, now);
        if (updated != null) {
          recent.put(key, updated);
          return;
        }
      }
      Event event =
          new EventBuilder()
              .withNewMetadata()
              .withNamespace(pod.getMetadata().getNamespace())
              .withName(
                  pod.getMetadata().getName()
                      + "."
                      + Long.toHexString(clock.millis())
                      + Long.toHexString(sequence.incrementAndGet()))
              .endMetadata()
              .withNewInvolvedObject()
              .withApiVersion("v1")
              .withKind("Pod")
              .withNamespace(pod.getMetadata().getNamespace())
              .withName(pod.getMetadata().getName())
              .withUid(pod.getMetadata().getUid())
              .withResourceVersion(pod.getMetadata().getResourceVersion())
              .endInvolvedObject()
              .withType(type)
              .withReason(reason)
              .withMessage(message)
              .withCount(1)
              .withFirstTimestamp(now)
              .withLastTimestamp(now)
              .withNewSource()
              .withComponent(COMPONENT)
              .withHost(nodeName)
              .endSource()
              .withReportingComponent(COMPONENT)
              .withReportingInstance(nodeName)
              .build();
      Event created =
          client
              .v1()
              .events()
              .inNamespace(pod.getMetadata().getNamespace())
              .resource(event)
              .create();
      recent.put(key, created);
      LOG.debug("Event {} {} for pod {}: {}", type, reason, name(pod), message);
    } catch (KubernetesClientException e) {
      LOG.warn("Failed to write event {} for pod {}: {}", reason, name(pod), e.getMessage());
    }
  }

  private Event raiseCount(Event previous, String now) {
    int count = previous.getCount() == null ? 1 : previous.getCount();
    try {
      return client
          .v1()
          .events()
          .inNamespace(previous.getMetadata().getNamespace())
          .withName(previous.getMetadata().getName())
          .edit(
              event -> new EventBuilder(event).withCount(count + 1).withLastTimestamp(now).build());
    } catch (KubernetesClientException e) {
      // The Event expired or was deleted; a new one is written instead.
      LOG.debug(
          "Failed to raise the count of event {}: {}",
          previous.getMetadata().getName(),
          e.getMessage());
      return null;
    }
  }

  private static String name(Pod pod) {
    return pod.getMetadata().getNamespace()
        + "/"
        + pod.getMetadata().getName()
        + " (uid "
        + pod.getMetadata().getUid()
        + ")";
  }

  /** Writes the events already recorded, waiting up to five seconds, then stops. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
