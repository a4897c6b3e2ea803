package io.peerlink.architecture;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * One of peerlink's library modules as its module-info describes it: where its classes are, the
 * packages it holds and what it exports to whom. Read from the compiled module-info, so the
 * architecture rules follow the module declarations instead of repeating them.
 *
 * @param location the jar or class directory holding the module, as a path string
 * @param descriptor the module's compiled module-info
 */
record LibraryModule(String location, ModuleDescriptor descriptor) {

  /**
   * The module that holds {@code member}, read from the jar or directory the class was loaded from
   * (tests run on the class path, where modules are plain jars or target/classes directories).
   *
   * @param member any class of the module
   * @return the module
   */
  static LibraryModule of(Class<?> member) {
    try {
      Path where = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
      ModuleDescriptor descriptor = ModuleFinder.of(where).findAll().stream()
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no module-info.class in " + where))
          .descriptor();
      return new LibraryModule(where.toString(), descriptor);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a package is an implementation package ({@code ...internal} or below). */
  static boolean isInternal(String pkg) {
    return ("." + pkg + ".").contains(".internal.");
  }

  /** {@return the module's io.peerlink packages} */
  String[] packages() {
    return descriptor.packages().stream().filter(p -> p.startsWith("io.peerlink.")).sorted().toArray(String[]::new);
  }

  /** Whether {@code pkg} is exported to every module (not qualified). */
  boolean exportsToAll(String pkg) {
    return descriptor.exports().stream().anyMatch(e -> !e.isQualified() && e.source().equals(pkg));
  }

  /** {@return this module's packages that {@code reader} may not use: those not exported to it} */
  String[] packagesClosedTo(LibraryModule reader) {
    Set<String> closed = new TreeSet<>(Set.of(packages()));
    descriptor.exports().stream()
        .filter(e -> !e.isQualified() || e.targets().contains(reader.descriptor.name()))
        .forEach(e -> closed.remove(e.source()));
    return closed.toArray(String[]::new);
  }
}
