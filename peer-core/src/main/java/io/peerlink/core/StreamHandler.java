package io.peerlink.core;

/**
 * Sets up a stream once its protocol is agreed, typically by adding handlers to
 * {@code stream.channel().pipeline()}.
 *
 * <p>Called on the stream's event loop before any of the stream's data is delivered, so bytes the
 * remote sent together with the negotiation reach the handlers installed here. Must not block.
 */
@FunctionalInterface
public interface StreamHandler {

  /**
   * Installs this protocol's handlers on the new stream.
   *
   * @param stream the new stream
   * @throws Exception to reset the stream
   */
  void handle(Stream stream) throws Exception;
}
