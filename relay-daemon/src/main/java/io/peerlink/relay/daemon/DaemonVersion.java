package io.peerlink.relay.daemon;

import io.peerlink.core.Version;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: peerlink's version. */
final class DaemonVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"peerlink relay-daemon " + Version.VERSION};
  }
}
