package io.peerlink.core.internal.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.peerlink.core.HandshakeException;
import io.peerlink.core.PeerException;
import io.peerlink.core.PeerTimeoutException;
import io.peerlink.core.identity.PublicKey;
import io.peerlink.core.internal.security.SecureSession;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right after the TLS handler ({@link TlsSecurity#SSL_HANDLER_NAME}) and turns the end of the
 * TLS handshake into what the rest of the connection upgrade understands.
 *
 * <ul>
 *   <li>Success: fires a {@link SecureSession} user event ({@code remotePeerId}, {@code remoteKey}
 *       from the connection's {@link PeerVerification}, {@code securityProtocol}
 *       {@value TlsSecurity#PROTOCOL_ID}, {@code earlyMuxer} = the ALPN result if it is a muxer, else
 *       null), completes {@link #session()}, and removes itself. Plaintext reads pass through in
 *       order, after the event.
 *   <li>Failure: fires {@code exceptionCaught} with a {@link HandshakeException} (kind TLS) whose
 *       message names the reason (bad certificate, wrong peer, no common ALPN protocol, remote
 *       alert, connection closed) and whose cause is the TLS engine's exception, completes
 *       {@link #session()} exceptionally with it, and closes the channel. The TLS engine's own
 *       exception, which follows, is swallowed so the failure is reported once.
 *   <li>Timeout ({@link TlsSecurity.Builder#handshakeTimeout}, counted here from the moment the
 *       channel is active, whatever stands before the engine): the same, but with a
 *       {@link PeerTimeoutException} (kind TIMEOUT), because what failed is the deadline, as for
 *       every other timeout peerlink reports.
 * </ul>
 *
 * <p>Leaving the pipeline, for whatever reason, ends the connection's {@link PeerVerification}
 * binding, so the shared trust manager holds nothing for a finished handshake.
 *
 * <p>The {@code SslHandshakeCompletionEvent} itself is consumed. Note for clients: in TLS 1.3 the
 * client finishes before the server has checked the client's certificate, so a server that rejects
 * it closes the connection after the client has already seen its {@code SecureSession}.
 */
public final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(TlsHandshakeHandler.class);
  private static final Pattern RECEIVED_ALERT = Pattern.compile("(SSLV3|TLSV1)_ALERT_");

  private final PeerVerification verification;
  private final long timeoutMillis;
  private final CompletableFuture<SecureSession> session = new CompletableFuture<>();
  private ScheduledFuture<?> deadline;
  private boolean failed;

  TlsHandshakeHandler(PeerVerification verification, long timeoutMillis) {
    this.verification = verification;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * The handshake's outcome: the {@link SecureSession} also fired as a user event, or the
   * {@link PeerException} also fired through {@code exceptionCaught}. Completed on the event loop.
   */
  public CompletableFuture<SecureSession> session() {
    return session;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      startDeadline(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    startDeadline(ctx);
    ctx.fireChannelActive();
  }

  private void startDeadline(ChannelHandlerContext ctx) {
    if (deadline == null && !session.isDone()) {
      deadline = ctx.executor().schedule(
          () -> fail(ctx, new PeerTimeoutException(
              "TLS handshake did not finish within " + timeoutMillis + " ms")),
          timeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
    verification.release();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // Before the engine exists (the native server reading the ClientHello) nobody else says so.
    fail(ctx, new HandshakeException(
        "connection closed during the TLS handshake", new ClosedChannelException()));
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (!(evt instanceof SslHandshakeCompletionEvent done)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    if (!done.isSuccess()) {
      fail(ctx, toFailure(done.cause()));
      return;
    }
    if (failed) {
      return;
    }
    // The verification is the only place the remote key comes from. A handshake that completes
    // without it (a resumed session, which we never allow) must not be trusted.
    PublicKey remoteKey = verification.verifiedKey();
    if (remoteKey == null) {
      fail(ctx, new HandshakeException("TLS handshake completed without a verified peer certificate"));
      return;
    }
    String alpn = verification.engine().getApplicationProtocol();
    SecureSession secured =
        new SecureSession(
            remoteKey.peerId(), remoteKey, TlsSecurity.PROTOCOL_ID, MuxerAlpn.earlyMuxer(alpn));
    log.debug("{} TLS handshake done: {}", ctx.channel(), secured);
    // Leave before firing, so a listener that rebuilds the pipeline sees it without us.
    ctx.pipeline().remove(this);
    session.complete(secured);
    ctx.fireUserEventTriggered(secured);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (failed) {
      // The engine's exception that follows its failed-handshake event: already reported.
      log.debug("{} after failed TLS handshake: {}", ctx.channel(), cause.toString());
      return;
    }
    fail(ctx, toFailure(cause));
  }

  private void fail(ChannelHandlerContext ctx, PeerException failure) {
    if (failed || session.isDone()) {
      return;
    }
    failed = true;
    if (deadline != null) {
      deadline.cancel(false);
    }
    log.debug("{} TLS handshake failed: {}", ctx.channel(), failure.getMessage());
    session.completeExceptionally(failure);
    ctx.fireExceptionCaught(failure);
    ctx.close();
  }

  /** Names the reason a handshake failed, keeping the engine's exception as the cause. */
  private PeerException toFailure(Throwable cause) {
    if (cause instanceof DecoderException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof PeerException pe) {
      return pe;
    }
    if (cause instanceof SslHandshakeTimeoutException) {
      return new PeerTimeoutException(
          "TLS handshake did not finish within " + timeoutMillis + " ms", cause);
    }
    // Our own reason, raised in the trust manager and wrapped by the engine.
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof HandshakeException local) {
        return new HandshakeException("TLS handshake failed: " + local.getMessage(), cause);
      }
    }
    if (cause instanceof ClosedChannelException) {
      return new HandshakeException("connection closed during the TLS handshake", cause);
    }
    String message = String.valueOf(cause.getMessage());
    String lower = message.toLowerCase(Locale.ROOT);
    if (lower.contains("no_application_protocol") || lower.contains("application layer protocol")) {
      return new HandshakeException(
          "TLS handshake failed: no common ALPN protocol (" + message + ")", cause);
    }
    // The remote's alert, as Bouncy Castle's engine (ours, see TlsEngineProvider) or the JDK's says.
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof TlsFatalAlertReceived alert) {
        return new HandshakeException(
            "the remote aborted the TLS handshake: " + alert.getMessage(), cause);
      }
    }
    // The JDK's words, then BoringSSL's for an alert it received ("...:SSLV3_ALERT_BAD_CERTIFICATE").
    if (message.startsWith("Received fatal alert") || RECEIVED_ALERT.matcher(message).find()) {
      return new HandshakeException("the remote aborted the TLS handshake: " + message, cause);
    }
    if (cause instanceof SSLException) {
      return new HandshakeException("TLS handshake failed: " + message, cause);
    }
    return new HandshakeException("TLS handshake failed: " + cause, cause);
  }
}
