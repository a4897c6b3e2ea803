package io.peerlink.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import io.peerlink.core.Peer;
import io.peerlink.relay.Manager;
import io.peerlink.relay.server.RelayServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The walls between peerlink's library modules, checked on the compiled classes. The module-info
 * files enforce them when the main code compiles; this test says them in words, catches what
 * module-info cannot (a public signature that names an internal type, a package cycle), and reads
 * each module's packages and exports from its module-info, so the two cannot drift apart.
 * scripts/architecture.sh draws the same dependencies for docs/architecture.md.
 */
@AnalyzeClasses(packages = "io.peerlink", importOptions = ArchitectureTest.LibraryCode.class)
class ArchitectureTest {

  static final LibraryModule PEER_CORE = LibraryModule.of(Peer.class);
  static final LibraryModule RELAY_CORE = LibraryModule.of(Manager.class);
  static final LibraryModule RELAY_SERVER = LibraryModule.of(RelayServer.class);

  /** Imports the main classes of the three library modules only (no tests, examples or daemon). */
  static final class LibraryCode implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return Stream.of(PEER_CORE, RELAY_CORE, RELAY_SERVER).anyMatch(m -> location.contains(m.location()));
    }
  }

  @ArchTest
  static final ArchRule modules_depend_one_way = layeredArchitecture()
      .consideringOnlyDependenciesInLayers()
      .layer("peer-core").definedBy(PEER_CORE.packages())
      .layer("relay-core").definedBy(RELAY_CORE.packages())
      .layer("relay-server").definedBy(RELAY_SERVER.packages())
      .whereLayer("relay-server").mayNotBeAccessedByAnyLayer()
      .whereLayer("relay-core").mayOnlyBeAccessedByLayers("relay-server")
      .because("relay-server builds on relay-core, which builds on peer-core; relay-core finds the"
          + " relay server at run time through its RelayServerProvider interface");

  @ArchTest
  static final ArchRule relay_core_uses_only_what_peer_core_exports = noClasses()
      .that().resideInAnyPackage(RELAY_CORE.packages())
      .should().dependOnClassesThat().resideInAnyPackage(PEER_CORE.packagesClosedTo(RELAY_CORE))
      .because("relay-core is a protocol module like any other: it builds on peer-core's public"
          + " packages and its SPI (io.peerlink.core.spi), never on peer-core's internals");

  @ArchTest
  static final ArchRule relay_server_uses_only_what_the_libraries_below_export_to_it = noClasses()
      .that().resideInAnyPackage(RELAY_SERVER.packages())
      .should().dependOnClassesThat().resideInAnyPackage(concat(
          PEER_CORE.packagesClosedTo(RELAY_SERVER), RELAY_CORE.packagesClosedTo(RELAY_SERVER)))
      .because("the relay server sees relay-core's public packages, its SPI and the circuit codec"
          + " relay-core exports to it alone, and peer-core's public packages");

  @ArchTest
  static final ArchRule exported_signatures_name_no_internal_type = classes()
      .that(areApiOf(PEER_CORE, RELAY_CORE, RELAY_SERVER))
      .should(nameNoInternalTypeInTheirApi())
      .because("a type from an .internal. package in a public signature would make the internals part"
          + " of the API: users could not call the method without reaching into them");

  @ArchTest
  static final ArchRule internals_do_not_depend_on_relay_server = noClasses()
      .that().resideInAPackage("..internal..")
      .and().resideOutsideOfPackage("io.peerlink.relay.server..")
      .should().dependOnClassesThat().resideInAPackage("io.peerlink.relay.server..")
      .because("relay-core's and peer-core's implementations must work without the relay server"
          + " on the class path");

  /*
   * Package by package, a module's public packages and its internals reference each other (the
   * API builds the implementation, the implementation takes the API's configs and value types), so
   * those cycles are by design. What must stay a tree is the implementation itself: each internal
   * component (core.internal.yamux, relay.internal.client, ...) with its subpackages is one slice.
   */
  @ArchTest
  static final ArchRule internal_components_are_free_of_cycles = slices()
      .matching("io.peerlink.(**).internal.(*)..")
      .namingSlices("$1 internal $2")
      .should().beFreeOfCycles();

  /**
   * Between the public packages themselves the arrows go one way (core.event and core.identity
   * below core, core.spi and core.perf above it, relay above core.spi, ...): a cycle among them
   * would tie two parts of the API together for good. Each public package is one slice; internal
   * packages are left out (see above).
   */
  @ArchTest
  static final ArchRule public_packages_are_free_of_cycles = slices()
      .assignedFrom(new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
          String pkg = c.getPackageName();
          return pkg.contains(".internal") ? SliceIdentifier.ignore() : SliceIdentifier.of(pkg);
        }

        @Override
        public String getDescription() {
          return "public packages of io.peerlink";
        }
      })
      .should().beFreeOfCycles();

  private static DescribedPredicate<JavaClass> areApiOf(LibraryModule... modules) {
    return DescribedPredicate.describe("are public types of exported packages", c -> {
      boolean exported = Stream.of(modules).anyMatch(m -> m.exportsToAll(c.getPackageName()));
      return exported && visibleOutside(c);
    });
  }

  private static boolean visibleOutside(JavaClass c) {
    for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
      if (!k.getModifiers().contains(JavaModifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  /** Members a user outside the module can see: public ones, and protected ones of an open class. */
  private static boolean isApi(JavaMember member, JavaClass owner) {
    Set<JavaModifier> mods = member.getModifiers();
    if (mods.contains(JavaModifier.SYNTHETIC) || mods.contains(JavaModifier.BRIDGE)) {
      return false;
    }
    return mods.contains(JavaModifier.PUBLIC)
        || (mods.contains(JavaModifier.PROTECTED) && !owner.getModifiers().contains(JavaModifier.FINAL));
  }

  private static ArchCondition<JavaClass> nameNoInternalTypeInTheirApi() {
    return new ArchCondition<>("name no type of an .internal. package in a public signature") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        List<String> found = new ArrayList<>();
        c.getRawSuperclass().ifPresent(s -> note(found, c.getName() + " extends", List.of(s)));
        c.getInterfaces().forEach(i -> note(found, c.getName() + " implements", i.getAllInvolvedRawTypes()));
        for (JavaField f : c.getFields()) {
          if (isApi(f, c)) {
            note(found, f.getFullName(), f.getType().getAllInvolvedRawTypes());
          }
        }
        for (JavaCodeUnit u : c.getCodeUnits()) {
          if (isApi(u, c)) {
            note(found, u.getFullName(), u.getReturnType().getAllInvolvedRawTypes());
            for (JavaType p : u.getParameterTypes()) {
              note(found, u.getFullName(), p.getAllInvolvedRawTypes());
            }
            u.getThrowsClause().getTypes().forEach(t -> note(found, u.getFullName(), List.of(t)));
          }
        }
        found.forEach(message -> events.add(SimpleConditionEvent.violated(c, message)));
      }
    };
  }

  private static void note(List<String> found, String where, Iterable<JavaClass> types) {
    for (JavaClass t : types) {
      if (LibraryModule.isInternal(t.getPackageName())) {
        found.add(where + " names " + t.getName());
      }
    }
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}
