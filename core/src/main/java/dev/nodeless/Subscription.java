package dev.nodeless;

/** A registration that stops delivering events once closed. Closing twice has no effect. */
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
