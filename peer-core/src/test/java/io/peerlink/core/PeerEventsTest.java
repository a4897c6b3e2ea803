package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.identity.Identity;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PeerListener events: their order, their executor, and a throwing listener harming no one. */
class PeerEventsTest extends PeerTestSupport {
  private final ExecutorService userExecutor = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "user-events");
    t.setDaemon(true);
    return t;
  });

  @AfterEach
  void stopExecutor() {
    userExecutor.shutdownNow();
  }

  /** Records events as strings, and the threads they ran on. */
  static final class Recorder implements PeerListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    private void add(String e) {
      events.add(e);
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void stateChanged(ConnectionInfo c, PeerState from, PeerState to) {
      add(c.direction().name().toLowerCase() + " " + from + ">" + to);
    }

    @Override
    public void connected(Peer peer) {
      add(peer.direction().name().toLowerCase() + " connected");
    }

    @Override
    public void disconnected(Peer peer, Throwable cause) {
      add(peer.direction().name().toLowerCase() + " disconnected");
    }

    @Override
    public void handshakeFailed(ConnectionInfo c, PeerException error) {
      add(c.direction().name().toLowerCase() + " handshakeFailed " + error.kind());
    }

    @Override
    public void inboundRejected(InetSocketAddress remote, RejectReason reason) {
      add("rejected " + reason);
    }
  }

  /** Throws from every callback. */
  static final class Thrower implements PeerListener {
    @Override
    public void stateChanged(ConnectionInfo c, PeerState from, PeerState to) {
      throw new IllegalStateException("listener bug");
    }

    @Override
    public void connected(Peer peer) {
      throw new IllegalStateException("listener bug");
    }

    @Override
    public void disconnected(Peer peer, Throwable cause) {
      throw new IllegalStateException("listener bug");
    }
  }

  @Test
  void outboundConnectAndCloseReportEveryStateInOrderOnTheUserExecutorDespiteAThrowingListener()
      throws Exception {
    Recorder server = new Recorder();
    Listener listener = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .listener(server));
    Recorder client = new Recorder();
    Connector connector = connector(Connector.builder(Identity.generate()).config(FAST)
        .callbackExecutor(userExecutor).listener(new Thrower()).listener(client));

    Peer peer = get(connector.connect(listener.listenAddresses().get(0)));
    assertThat(peer.state()).isEqualTo(PeerState.CONNECTED);
    get(peer.close());
    assertThat(peer.state()).isEqualTo(PeerState.DISCONNECTED);

    await("the client's events", () -> client.events.size() == 6);
    assertThat(client.events).containsExactly(
        "outbound CONNECTING>HANDSHAKING",
        "outbound HANDSHAKING>CONNECTED",
        "outbound connected",
        "outbound CONNECTED>DISCONNECTING",
        "outbound DISCONNECTING>DISCONNECTED",
        "outbound disconnected");
    assertThat(client.threads).allMatch(t -> t.equals("user-events"));

    await("the server's events", () -> server.events.size() == 5);
    assertThat(server.events).containsExactly(
        "inbound CONNECTING>HANDSHAKING",
        "inbound HANDSHAKING>CONNECTED",
        "inbound connected",
        "inbound CONNECTED>DISCONNECTED", // the remote closed it: no DISCONNECTING here
        "inbound disconnected");
    assertThat(server.threads).noneMatch(t -> t.contains("peerlink")); // never an event loop
  }

  @Test
  void aWrongPeerIdIsAHandshakeFailureOnBothSides() throws Exception {
    Recorder server = new Recorder();
    Listener listener = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .listener(server));
    Recorder client = new Recorder();
    Connector connector = connector(Connector.builder(Identity.generate()).config(FAST).dialPolicy(NO_RETRY)
        .listener(client));
    assertThatThrownBy(() -> get(connector.connect(
        listener.listenAddresses().get(0).withoutPeerId().withPeerId(Identity.generate().peerId()))))
        .cause().isInstanceOf(HandshakeException.class);
    await("the client's events", () -> client.events.size() == 3);
    assertThat(client.events).containsExactly(
        "outbound CONNECTING>HANDSHAKING", "outbound HANDSHAKING>DISCONNECTED", "outbound handshakeFailed TLS");
    await("the server's events", () -> server.events.size() == 3);
    assertThat(server.events.get(1)).isEqualTo("inbound HANDSHAKING>DISCONNECTED");
    assertThat(server.events.get(2)).startsWith("inbound handshakeFailed");
  }

  @Test
  void aRejectedInboundConnectionIsReported() throws Exception {
    Recorder server = new Recorder();
    Listener listener = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .limits(ListenerLimits.builder().maxInbound(1).build()).listener(server));
    get(connector().connect(listener.listenAddresses().get(0)));
    assertThatThrownBy(() -> get(connector().connect(listener.listenAddresses().get(0))));
    await("the rejection", () -> server.events.contains("rejected TOO_MANY_INBOUND"));
    // Rejected before the handshake: no state was entered for it.
    assertThat(server.events.stream().filter(e -> e.contains(">HANDSHAKING"))).hasSize(1);
  }
}
