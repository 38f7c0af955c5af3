package dev.nodeless.local;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.LoggerFactory;

/**
 * The files of one pod under {@code <stateDir>/pods/<uid>/}, a directory that the process which
 * supervises the pod keeps locked (see {@link #tryLock}):
 *
 * <ul>
 *   <li>{@code pod.json}: the pod as launched;
 *   <li>{@code status.json}: the latest status, replaced atomically within 100 ms of a change and
 *       at once when the pod finishes;
 *   <li>{@code processes}: one line per running container instance, for crash recovery;
 *   <li>{@code <container>.<restartCount>.log}: one log per instance, made read-only once it is
 *       complete (container names have no dots, so these names never clash);
 *   <li>{@code volumes/<name>/}: emptyDir, configMap, secret, downwardAPI and projected volumes;
 *   <li>{@code run/<instance>/}: scratch files and mount points of each instance.
 * </ul>
 *
 * Terminate requests from other processes go to {@code <stateDir>/requests/<uid>.terminate}.
 */
final class PodDirectory {
  static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final Path root;
  private FileChannel lockChannel;
  private FileLock lock;
  private int lockFd = -1;

  PodDirectory(Path stateDir, String uid) {
    this.root = podsDir(stateDir).resolve(uid);
  }

  static Path podsDir(Path stateDir) {
    return stateDir.resolve("pods");
  }

  static Path requestsDir(Path stateDir) {
    return stateDir.resolve("requests");
  }

  static Path terminateRequest(Path stateDir, String uid) {
    return requestsDir(stateDir).resolve(uid + ".terminate");
  }

  Path root() {
    return root;
  }

  boolean exists() {
    return Files.isDirectory(root);
  }

  Path podFile() {
    return root.resolve("pod.json");
  }

  Path statusFile() {
    return root.resolve("status.json");
  }

  Path processesFile() {
    return root.resolve("processes");
  }

  Path logFile(String container, int restartCount) {
    return root.resolve(container + "." + restartCount + ".log");
  }

  /**
   * Returns the restart count of the newest instance of a container that has a log file, or -1 when
   * none has started.
   */
  int latestInstance(String container) {
    String prefix = container + ".";
    int latest = -1;
    try (DirectoryStream<Path> logs = Files.newDirectoryStream(root, "*.log")) {
      for (Path log : logs) {
        String name = log.getFileName().toString();
        if (!name.startsWith(prefix)) {
          continue;
        }
        String number = name.substring(prefix.length(), name.length() - ".log".length());
        if (!number.isEmpty() && number.chars().allMatch(Character::isDigit)) {
          latest = Math.max(latest, Integer.parseInt(number));
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return latest;
  }

  /** Returns the pod's own {@code /etc/hosts}, written when the pod has host aliases. */
  Path hostsFile() {
    return root.resolve("hosts");
  }

  Path volumesDir() {
    return root.resolve("volumes");
  }

  Path volume(String name) {
    return volumesDir().resolve(name);
  }

  Path runDir(String instanceId) {
    return root.resolve("run").resolve(instanceId);
  }

  // ---- locking -------------------------------------------------------------------------------

  /**
   * Takes the supervisor lock without waiting: {@code flock(2)} on the pod's directory itself, so
   * that locking creates no file. The descriptor is close-on-exec and children never inherit it.
   * Without libc (not Linux) a {@code lock} file with a {@link FileChannel} lock is used instead.
   *
   * @return false when another process, or another provider in this JVM, holds it
   */
  synchronized boolean tryLock() throws IOException {
    if (lockFd >= 0 || lock != null) {
      return true;
    }
    if (LockCalls.LIBC == null) {
      return tryLockFile();
    }
    int fd = LockCalls.LIBC.open(root.toString(), LockCalls.O_RDONLY_DIRECTORY_CLOEXEC);
    if (fd < 0) {
      throw new NoSuchFileException(
          root.toString(), null, "cannot open the pod directory to lock it");
    }
    if (LockCalls.LIBC.flock(fd, LockCalls.LOCK_EX_NB) != 0) {
      LockCalls.LIBC.close(fd);
      return false;
    }
    lockFd = fd;
    return true;
  }

  private boolean tryLockFile() throws IOException {
    FileChannel channel =
        FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      FileLock taken = channel.tryLock();
      if (taken == null) {
        channel.close();
        return false;
      }
      lockChannel = channel;
      lock = taken;
      return true;
    } catch (OverlappingFileLockException e) {
      channel.close();
      return false;
    }
  }

  synchronized void unlock() {
    if (lockFd >= 0) {
      LockCalls.LIBC.close(lockFd);
      lockFd = -1;
      return;
    }
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lock = null;
      lockChannel = null;
    }
  }

  /** The libc calls for directory locks, or none where libc cannot be loaded. */
  private static final class LockCalls {
    // Linux values: O_RDONLY | O_DIRECTORY | O_CLOEXEC, and LOCK_EX | LOCK_NB.
    static final int O_RDONLY_DIRECTORY_CLOEXEC = 0x10000 | 0x80000;
    static final int LOCK_EX_NB = 2 | 4;
    static final LibC LIBC = load();

    interface LibC extends Library {
      int open(String path, int flags);

      int flock(int fd, int operation);

      int close(int fd);
    }

    private static LibC load() {
      try {
        return Native.load("c", LibC.class);
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        LoggerFactory.getLogger(PodDirectory.class)
            .info("Cannot load libc ({}); pod locks use lock files", e.toString());
        return null;
      }
    }
  }

  // ---- files ---------------------------------------------------------------------------------

  void writePod(Pod pod) throws IOException {
    writeAtomically(podFile(), JSON.asJson(pod).getBytes(StandardCharsets.UTF_8));
  }

  void writeStatus(PodStatus status) throws IOException {
    writeAtomically(statusFile(), JSON.asJson(status).getBytes(StandardCharsets.UTF_8));
  }

  Optional<Pod> readPod() {
    return read(podFile(), Pod.class);
  }

  Optional<PodStatus> readStatus() {
    return read(statusFile(), PodStatus.class);
  }

  private static <T> Optional<T> read(Path file, Class<T> type) {
    try {
      return Optional.of(JSON.unmarshal(Files.readString(file, StandardCharsets.UTF_8), type));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Stores the leftover records of the running instances, by instance ID. */
  void writeProcesses(Map<String, String> records) throws IOException {
    StringBuilder text = new StringBuilder();
    records.forEach((id, record) -> text.append(id).append(' ').append(record).append('\n'));
    writeAtomically(processesFile(), text.toString().getBytes(StandardCharsets.UTF_8));
  }

  Map<String, String> readProcesses() {
    Map<String, String> records = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(processesFile(), StandardCharsets.UTF_8)) {
        int space = line.indexOf(' ');
        if (space > 0) {
          records.put(line.substring(0, space), line.substring(space + 1));
        }
      }
    } catch (IOException e) {
      // No file: no instance was running.
    }
    return records;
  }

  /** Replaces a file so that readers see either the old or the new content, never a part. */
  static void writeAtomically(Path file, byte[] content) throws IOException {
    Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(temporary, content);
    try {
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes the volumes, secret files included, and the instances' scratch files. */
  void deleteVolumes() throws IOException {
    deleteTree(volumesDir());
    deleteTree(root.resolve("run"));
  }

  /** Deletes everything of the pod. */
  void deleteAll() throws IOException {
    deleteTree(root);
  }

  /**
   * Removes the pod at once by renaming its directory to a hidden name, then deletes the files on
   * {@code executor}. Readers stop seeing the pod as soon as this returns.
   */
  void remove(Executor executor) throws IOException {
    Path trash = root.resolveSibling(".removed-" + root.getFileName() + "-" + System.nanoTime());
    try {
      Files.move(root, trash, StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException e) {
      return;
    }
    executor.execute(
        () -> {
          try {
            deleteTree(trash);
          } catch (IOException e) {
            LoggerFactory.getLogger(PodDirectory.class)
                .warn("Cannot delete the removed pod files in {}: {}", trash, e.toString());
          }
        });
  }

  static void deleteTree(Path tree) throws IOException {
    if (!Files.exists(tree)) {
      return;
    }
    Files.walkFileTree(
        tree,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException error) throws IOException {
            if (error instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw error;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException error)
              throws IOException {
            if (error != null && !(error instanceof NoSuchFileException)) {
              throw error;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
