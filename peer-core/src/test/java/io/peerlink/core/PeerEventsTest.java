package io.peerlink.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerlink.core.identity.Identity;
import io.peerlink.core.identity.PeerId;
import io.peerlink.core.multiaddr.Multiaddr;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connection events: their order, their executor, a throwing listener harming no one, and a
 * listener per connection from a factory.
 */
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
  static final class Recorder implements EventListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    private void add(String e) {
      events.add(e);
      threads.add(Thread.currentThread().getName());
    }

    @Override
    public void connectStart(Direction direction, Multiaddr remote) {
      add(direction.name().toLowerCase() + " connectStart");
    }

    @Override
    public void connectEnd(Direction direction, Multiaddr remote, Duration took) {
      add(direction.name().toLowerCase() + " connectEnd");
    }

    @Override
    public void connectFailed(Direction direction, Multiaddr remote, PeerException error) {
      add(direction.name().toLowerCase() + " connectFailed " + error.kind());
    }

    @Override
    public void secureStart(ConnectionInfo c) {
      add(c.direction().name().toLowerCase() + " secureStart");
    }

    @Override
    public void secureEnd(ConnectionInfo c, PeerId peer, String securityProtocol, Duration took) {
      add(c.direction().name().toLowerCase() + " secureEnd " + securityProtocol);
    }

    @Override
    public void peerStateChanged(ConnectionInfo c, PeerState from, PeerState to) {
      add(c.direction().name().toLowerCase() + " " + from + ">" + to);
    }

    @Override
    public void connectionOpened(Peer peer) {
      add(peer.direction().name().toLowerCase() + " connected");
    }

    @Override
    public void connectionClosed(Peer peer, Throwable cause) {
      add(peer.direction().name().toLowerCase() + " disconnected");
    }

    @Override
    public void secureFailed(ConnectionInfo c, PeerException error) {
      add(c.direction().name().toLowerCase() + " handshakeFailed " + error.kind());
    }

    @Override
    public void inboundRefused(InetSocketAddress remote, RejectReason reason) {
      add("rejected " + reason);
    }
  }

  /** Throws from every callback. */
  static final class Thrower implements EventListener {
    @Override
    public void peerStateChanged(ConnectionInfo c, PeerState from, PeerState to) {
      throw new IllegalStateException("listener bug");
    }

    @Override
    public void connectionOpened(Peer peer) {
      throw new IllegalStateException("listener bug");
    }

    @Override
    public void connectionClosed(Peer peer, Throwable cause) {
      throw new IllegalStateException("listener bug");
    }
  }

  @Test
  void outboundConnectAndCloseReportEveryStateInOrderOnTheUserExecutorDespiteAThrowingListener()
      throws Exception {
    Recorder server = new Recorder();
    Listener listener = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .eventListener(server));
    Recorder client = new Recorder();
    Connector connector = connector(Connector.builder(Identity.generate()).config(FAST)
        .eventExecutor(userExecutor).eventListener(new Thrower()).eventListener(client));

    Peer peer = get(connector.connect(listener.listenAddresses().get(0)));
    assertThat(peer.state()).isEqualTo(PeerState.CONNECTED);
    // Noise's initiator is done one message before the responder: closing at once can end the
    // server's handshake before its last message is read, which is not what this test is about.
    await("the server to be connected", () -> server.events.contains("inbound connected"));
    get(peer.close());
    assertThat(peer.state()).isEqualTo(PeerState.DISCONNECTED);

    await("the client's events", () -> client.events.size() == 10);
    assertThat(client.events).containsExactly(
        "outbound connectStart",
        "outbound CONNECTING>HANDSHAKING",
        "outbound connectEnd",
        "outbound secureStart",
        "outbound HANDSHAKING>CONNECTED",
        "outbound secureEnd /noise",
        "outbound connected",
        "outbound CONNECTED>DISCONNECTING",
        "outbound DISCONNECTING>DISCONNECTED",
        "outbound disconnected");
    assertThat(client.threads).allMatch(t -> t.equals("user-events"));

    // Wait for a last event (the connection closed, or its handshake failed), not for a count: a
    // count that is never reached would time out without showing what came; this way the
    // assertion below shows it.
    await("the server's events", () -> server.events.stream()
        .anyMatch(e -> e.equals("inbound disconnected") || e.contains("handshakeFailed")));
    assertThat(server.events).containsExactly(
        "inbound connectStart",
        "inbound CONNECTING>HANDSHAKING",
        "inbound connectEnd",
        "inbound secureStart",
        "inbound HANDSHAKING>CONNECTED",
        "inbound secureEnd /noise",
        "inbound connected",
        "inbound CONNECTED>DISCONNECTED", // the remote closed it: no DISCONNECTING here
        "inbound disconnected");
    assertThat(server.threads).noneMatch(t -> t.contains("peerlink")); // never an event loop
  }

  @Test
  void aWrongPeerIdIsAHandshakeFailureOnBothSides() throws Exception {
    Recorder server = new Recorder();
    Listener listener = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .eventListener(server));
    Recorder client = new Recorder();
    Connector connector = connector(Connector.builder(Identity.generate()).config(FAST).dialPolicy(NO_RETRY)
        .eventListener(client));
    assertThatThrownBy(() -> get(connector.connect(
        listener.listenAddresses().get(0).withoutPeerId().withPeerId(Identity.generate().peerId()))))
        .cause().isInstanceOf(HandshakeException.class);
    await("the client's events", () -> client.events.size() == 6);
    assertThat(client.events).containsExactly("outbound connectStart",
        "outbound CONNECTING>HANDSHAKING", "outbound connectEnd", "outbound secureStart",
        "outbound HANDSHAKING>DISCONNECTED", "outbound handshakeFailed TLS");
    await("the server's events", () -> server.events.size() == 6);
    assertThat(server.events.get(4)).isEqualTo("inbound HANDSHAKING>DISCONNECTED");
    assertThat(server.events.get(5)).startsWith("inbound handshakeFailed");
  }

  @Test
  void aRejectedInboundConnectionIsReported() throws Exception {
    Recorder server = new Recorder();
    Listener listener = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .limits(ListenerLimits.builder().maxInbound(1).build()).eventListener(server));
    get(connector().connect(listener.listenAddresses().get(0)));
    assertThatThrownBy(() -> get(connector().connect(listener.listenAddresses().get(0))));
    await("the rejection", () -> server.events.contains("rejected TOO_MANY_INBOUND"));
    // Rejected before the handshake: no state was entered for it.
    assertThat(server.events.stream().filter(e -> e.contains(">HANDSHAKING"))).hasSize(1);
  }

  @Test
  void aRefusedPortIsAConnectFailure() throws Exception {
    Recorder client = new Recorder();
    Connector connector = connector(Connector.builder(Identity.generate()).config(FAST).dialPolicy(NO_RETRY)
        .eventListener(client));
    Multiaddr closed = Multiaddr.parse("/ip4/127.0.0.1/tcp/1/p2p/" + Identity.generate().peerId());
    assertThatThrownBy(() -> get(connector.connect(closed)));
    await("the client's events", () -> client.events.size() == 3);
    assertThat(client.events).containsExactly(
        "outbound connectStart", "outbound CONNECTING>DISCONNECTED", "outbound connectFailed CONNECT");
  }

  @Test
  void aFactoryGivesEachConnectionItsOwnListenerWhileHostEventsGoToTheHostListener() throws Exception {
    List<Recorder> perConnection = new CopyOnWriteArrayList<>();
    Recorder host = new Recorder();
    Listener listener = listen(Listener.builder(Identity.generate()).config(FAST).listenOn(LOOPBACK)
        .limits(ListenerLimits.builder().maxInbound(2).build())
        .eventListener(host)
        .eventListenerFactory((direction, remote) -> {
          Recorder r = new Recorder();
          perConnection.add(r);
          return r;
        }));
    get(connector().connect(listener.listenAddresses().get(0)));
    get(connector().connect(listener.listenAddresses().get(0)));
    assertThatThrownBy(() -> get(connector().connect(listener.listenAddresses().get(0))));
    await("both connections' events", () -> perConnection.size() == 2
        && perConnection.stream().allMatch(r -> r.events.contains("inbound connected")));
    for (Recorder r : perConnection) {
      assertThat(r.events).startsWith("inbound connectStart").contains("inbound connected")
          .noneMatch(e -> e.startsWith("rejected"));
    }
    await("the refusal", () -> host.events.contains("rejected TOO_MANY_INBOUND"));
    assertThat(host.events).noneMatch(e -> e.startsWith("inbound"));
  }
}
