package dev.nodeless.examples.kubelet;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.http.MockResponse;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fabric8 CRUD mock with an index by object name. The mock finds an object by testing the
 * attributes of every stored object, so with thousands of pods and events each create, update and
 * get of one object scanned them all. This class serves those requests from the objects with the
 * requested name and leaves lists, watches and deletes to the mock, which still scan.
 *
 * <p>The index contains the mock's own keys, grouped by their {@code name} attribute. A stored key
 * matches a query with a plain {@code name} attribute only if it carries an equal attribute, so the
 * group of that name contains every match. Candidates are still tested with {@link
 * AttributeSet#matches}, as the mock tests them.
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(IndexedCrudDispatcher.class);

  private final Map<Attribute, Set<AttributeSet>> byName = new HashMap<>();

  /**
   * Lock of {@link #byName}. The mock changes its map only in {@link #processEvent}, under a write
   * lock that it does not share, so the gets served here take the read lock of this one.
   */
  private final ReadWriteLock indexLock = new ReentrantReadWriteLock();

  private final KubernetesAttributesExtractor extractor =
      (KubernetesAttributesExtractor) attributeExtractor;

  /** Serves a get of one named object from the index. Other gets and watches go to the mock. */
  @Override
  public MockResponse handleGet(String path) {
    if (path.contains("watch=")) {
      return super.handleGet(path);
    }
    AttributeSet query = getKey(path);
    if (plainName(query) == null) {
      return super.handleGet(path);
    }
    Map.Entry<AttributeSet, String> found;
    indexLock.readLock().lock();
    try {
      found = findResource(query);
    } finally {
      indexLock.readLock().unlock();
    }
    if (found == null) {
      return new MockResponse().setResponseCode(HttpURLConnection.HTTP_NOT_FOUND);
    }
    return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setBody(found.getValue());
  }

  /**
   * Returns the first stored object that matches the query. The mock's handlers call this under the
   * mock's write lock, which excludes every change to the index.
   */
  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    Attribute name = plainName(query);
    if (name == null) {
      return super.findResource(query);
    }
    Set<AttributeSet> candidates = byName.get(name);
    if (candidates == null) {
      return null;
    }
    for (AttributeSet candidate : candidates) {
      String value = candidate.matches(query) ? map.get(candidate) : null;
      if (value != null) {
        return Map.entry(candidate, value);
      }
    }
    return null;
  }

  /** Stores or removes an object in the mock, then updates the index to match. */
  @Override
  public void processEvent(
      String path,
      AttributeSet pathAttributes,
      AttributeSet oldAttributes,
      GenericKubernetesResource resource,
      String newState) {
    indexLock.writeLock().lock();
    try {
      super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
      if (oldAttributes != null) {
        unindex(oldAttributes);
      }
      if (newState != null) {
        AttributeSet stored = storedKey(pathAttributes, resource, newState);
        if (map.containsKey(stored)) {
          index(stored);
        } else {
          // The mock computed its key differently from storedKey; a full rebuild stays correct.
          LOG.debug("Rebuilding the name index: the key of {} was not found", path);
          rebuild();
        }
      }
    } finally {
      indexLock.writeLock().unlock();
    }
  }

  @Override
  public void reset() {
    indexLock.writeLock().lock();
    try {
      super.reset();
      rebuild();
    } finally {
      indexLock.writeLock().unlock();
    }
  }

  /** Computes the key under which the mock stores an object, as its processEvent does. */
  private AttributeSet storedKey(
      AttributeSet pathAttributes, GenericKubernetesResource resource, String newState) {
    AttributeSet stored =
        resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
    if (!stored.containsKey(KubernetesAttributesExtractor.PLURAL)) {
      stored = AttributeSet.merge(pathAttributes, stored);
    }
    return stored;
  }

  private static Attribute plainName(AttributeSet attributes) {
    Attribute name = attributes.getAttribute(KubernetesAttributesExtractor.NAME);
    return name != null && name.getType() == AttributeType.WITH ? name : null;
  }

  private void index(AttributeSet key) {
    Attribute name = plainName(key);
    if (name != null) {
      byName.computeIfAbsent(name, ignored -> new LinkedHashSet<>()).add(key);
    }
  }

  private void unindex(AttributeSet key) {
    Attribute name = plainName(key);
    Set<AttributeSet> keys = name == null ? null : byName.get(name);
    if (keys != null && keys.remove(key) && keys.isEmpty()) {
      byName.remove(name);
    }
  }

  private void rebuild() {
    byName.clear();
    List<AttributeSet> keys;
    synchronized (map) {
      keys = new ArrayList<>(map.keySet());
    }
    keys.forEach(this::index);
  }
}
