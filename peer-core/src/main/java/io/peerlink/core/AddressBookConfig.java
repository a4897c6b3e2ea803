package io.peerlink.core;

/**
 * Bounds of a host's {@link AddressBook}. Immutable; build with {@link #builder()}, which
 * validates in {@link Builder#build()}. Set it with {@link PeerConfig.Builder#addressBook}.
 */
public final class AddressBookConfig {
  private static final AddressBookConfig DEFAULTS = builder().build();

  private final int maxPeers;
  private final int maxAddressesPerPeer;
  private final int recentlyConnectedMaxAddresses;

  private AddressBookConfig(Builder b) {
    this.maxPeers = b.maxPeers;
    this.maxAddressesPerPeer = b.maxAddressesPerPeer;
    this.recentlyConnectedMaxAddresses = b.recentlyConnectedMaxAddresses;
  }

  /** {@return the defaults listed on each field} */
  public static AddressBookConfig defaults() {
    return DEFAULTS;
  }

  /** {@return a builder starting from the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder starting from this configuration} */
  public Builder toBuilder() {
    return new Builder().maxPeers(maxPeers).maxAddressesPerPeer(maxAddressesPerPeer)
        .recentlyConnectedMaxAddresses(recentlyConnectedMaxAddresses);
  }

  /**
   * Most peers the book holds addresses for. A new peer beyond it first makes room by dropping
   * expired entries, then the disconnected peer whose addresses expire soonest; when every peer
   * is connected its addresses are not stored. Default 4096: with {@link #maxAddressesPerPeer()}
   * it bounds the book to a few MiB even when every identify answer is full (go-libp2p bounds
   * unconnected addresses to one million in total instead).
   *
   * @return the most peers held
   */
  public int maxPeers() {
    return maxPeers;
  }

  /**
   * Most addresses held for one peer; further ones are dropped (an identify answer is cut to
   * this many). Default 64, go-libp2p's {@code defaultMaxAddrsPerPeer}, well above what real peers
   * announce (about 26 at most).
   *
   * @return the most addresses per peer
   */
  public int maxAddressesPerPeer() {
    return maxAddressesPerPeer;
  }

  /**
   * Most of a peer's announced addresses kept after its last connection closed (the one we were
   * connected at first). Default 20, go-libp2p identify's {@code recentlyConnectedPeerMaxAddrs}.
   *
   * @return the most addresses kept per disconnected peer
   */
  public int recentlyConnectedMaxAddresses() {
    return recentlyConnectedMaxAddresses;
  }

  @Override
  public String toString() {
    return "AddressBookConfig{maxPeers=" + maxPeers + ", maxAddressesPerPeer=" + maxAddressesPerPeer
        + ", recentlyConnectedMaxAddresses=" + recentlyConnectedMaxAddresses + "}";
  }

  /** Builds an {@link AddressBookConfig}; every setter has the default named on the getter. */
  public static final class Builder {
    private int maxPeers = 4096;
    private int maxAddressesPerPeer = 64;
    private int recentlyConnectedMaxAddresses = 20;

    private Builder() {}

    /**
     * See {@link AddressBookConfig#maxPeers()}; at least 1.
     *
     * @param v the most peers held
     * @return this builder
     */
    public Builder maxPeers(int v) {
      this.maxPeers = v;
      return this;
    }

    /**
     * See {@link AddressBookConfig#maxAddressesPerPeer()}; at least 1.
     *
     * @param v the most addresses per peer
     * @return this builder
     */
    public Builder maxAddressesPerPeer(int v) {
      this.maxAddressesPerPeer = v;
      return this;
    }

    /**
     * See {@link AddressBookConfig#recentlyConnectedMaxAddresses()}; at least 1.
     *
     * @param v the most addresses kept per disconnected peer
     * @return this builder
     */
    public Builder recentlyConnectedMaxAddresses(int v) {
      this.recentlyConnectedMaxAddresses = v;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the configuration
     * @throws IllegalArgumentException if a value is out of range
     */
    public AddressBookConfig build() {
      if (maxPeers < 1) {
        throw new IllegalArgumentException("maxPeers must be at least 1, was " + maxPeers);
      }
      if (maxAddressesPerPeer < 1) {
        throw new IllegalArgumentException("maxAddressesPerPeer must be at least 1, was " + maxAddressesPerPeer);
      }
      if (recentlyConnectedMaxAddresses < 1) {
        throw new IllegalArgumentException(
            "recentlyConnectedMaxAddresses must be at least 1, was " + recentlyConnectedMaxAddresses);
      }
      return new AddressBookConfig(this);
    }
  }
}
