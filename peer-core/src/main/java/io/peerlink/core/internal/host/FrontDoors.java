package io.peerlink.core.internal.host;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * How the SPI's {@code Host.of(listener)} finds the host behind a public front door
 * ({@code Listener}, {@code Connector}) without the public package depending on the SPI. Each front
 * door class registers, when it is initialised, how to read its host; the SPI asks here. (The JDK
 * wires {@code java.*} types to their internals the same way, with its "shared secrets".)
 */
public final class FrontDoors {
  private static final Map<Class<?>, Function<Object, HostCore>> ACCESS = new ConcurrentHashMap<>();

  private FrontDoors() {}

  /**
   * Registers how to read the host of instances of {@code type}; called once, from the type's
   * static initialiser.
   *
   * @param type the front door class
   * @param access reads an instance's host
   */
  public static void register(Class<?> type, Function<Object, HostCore> access) {
    ACCESS.put(type, access);
  }

  /**
   * The host behind {@code frontDoor}.
   *
   * @param frontDoor a listener or connector
   * @return its host
   * @throws IllegalArgumentException if it is not a registered front door
   */
  public static HostCore host(Object frontDoor) {
    Objects.requireNonNull(frontDoor, "frontDoor");
    Function<Object, HostCore> access = ACCESS.get(frontDoor.getClass());
    if (access == null) {
      throw new IllegalArgumentException("not a peerlink listener or connector: " + frontDoor.getClass());
    }
    return access.apply(frontDoor);
  }
}
