package dev.nodeless;

/** Thrown when a call names a pod that this launcher does not own. */
public class PodNotFoundException extends NodelessException {
  private static final long serialVersionUID = 1L;

  public PodNotFoundException(PodRef pod, String detail) {
    super("pod " + pod + " not found: " + detail, pod, null, false, null);
  }
}
