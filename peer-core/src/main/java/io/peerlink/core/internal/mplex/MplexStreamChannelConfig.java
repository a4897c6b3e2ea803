package io.peerlink.core.internal.mplex;

import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import java.util.Map;

/**
 * An mplex stream's options: Netty's defaults plus {@link ChannelOption#ALLOW_HALF_CLOSURE} (the
 * remote's close then ends only our input). Turning auto-read off withdraws a pending read.
 */
final class MplexStreamChannelConfig extends DefaultChannelConfig {
  private final MplexStreamChannel stream;
  private volatile boolean allowHalfClosure;

  MplexStreamChannelConfig(MplexStreamChannel stream) {
    super(stream);
    this.stream = stream;
  }

  @Override
  protected void autoReadCleared() {
    stream.clearReadRequested();
  }

  boolean isAllowHalfClosure() {
    return allowHalfClosure;
  }

  @Override
  public Map<ChannelOption<?>, Object> getOptions() {
    return getOptions(super.getOptions(), ChannelOption.ALLOW_HALF_CLOSURE);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T getOption(ChannelOption<T> option) {
    if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
      return (T) Boolean.valueOf(allowHalfClosure);
    }
    return super.getOption(option);
  }

  @Override
  public <T> boolean setOption(ChannelOption<T> option, T value) {
    validate(option, value);
    if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
      allowHalfClosure = (Boolean) value;
      return true;
    }
    return super.setOption(option, value);
  }
}
