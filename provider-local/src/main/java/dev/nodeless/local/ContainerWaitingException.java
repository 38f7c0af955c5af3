package dev.nodeless.local;

import java.io.IOException;

/**
 * An instance cannot be created yet, and its container waits with the kubelet's reason, such as
 * {@code ErrImagePull} or {@code CreateContainerConfigError}. The supervisor tries again after a
 * back-off, during which the container shows {@link #backOffReason()} when it has one.
 */
final class ContainerWaitingException extends IOException {
  private static final long serialVersionUID = 1L;

  static final String ERR_IMAGE_PULL = "ErrImagePull";
  static final String IMAGE_PULL_BACK_OFF = "ImagePullBackOff";
  static final String ERR_IMAGE_NEVER_PULL = "ErrImageNeverPull";
  static final String INVALID_IMAGE_NAME = "InvalidImageName";
  static final String CREATE_CONFIG_ERROR = "CreateContainerConfigError";

  private final String reason;
  private final String backOffReason;

  /**
   * @param reason the waiting reason right after the failure
   * @param backOffReason the waiting reason while the supervisor waits to try again, or {@code
   *     null} to keep {@code reason}
   * @param message the waiting message
   */
  ContainerWaitingException(String reason, String backOffReason, String message) {
    super(message);
    this.reason = reason;
    this.backOffReason = backOffReason;
  }

  static ContainerWaitingException pullFailed(String image, String error) {
    return new ContainerWaitingException(
        ERR_IMAGE_PULL, IMAGE_PULL_BACK_OFF, "Failed to pull image \"" + image + "\": " + error);
  }

  String reason() {
    return reason;
  }

  String backOffReason() {
    return backOffReason == null ? reason : backOffReason;
  }
}
