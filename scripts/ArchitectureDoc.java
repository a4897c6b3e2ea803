import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Draws peerlink's module and package dependencies from what jdeps found in the jars, checks the
 * walls (modules depend one way, a module reaches another only through packages exported to it),
 * and writes the picture into a Markdown file between two markers. Run by scripts/architecture.sh,
 * which builds the jars and runs jdeps.
 *
 * <p>usage: {@code java scripts/ArchitectureDoc.java <jdeps -verbose:package output> <doc.md> <jar>...}
 * (jars bottom-up: peer-core, relay-core, relay-server). Exits 1 when a wall is broken, after
 * writing the picture, so the page shows the breach.
 */
public class ArchitectureDoc {

  static final String BEGIN = "<!-- architecture:begin -->";
  static final String END = "<!-- architecture:end -->";
  static final String PREFIX = "io.peerlink.";

  // "   io.peerlink.relay   -> io.peerlink.core.spi   io.peerlink.core (qualified)"
  static final Pattern EDGE = Pattern.compile(
      "^\\s+(io\\.peerlink\\S*)\\s+->\\s+(io\\.peerlink\\S*)\\s+(\\S+)(?:\\s+\\((qualified)\\))?\\s*$");

  /** One library module: its artifact, its descriptor, and the packages it holds. */
  record Library(String artifact, ModuleDescriptor descriptor) {
    String name() {
      return descriptor.name();
    }

    boolean exportsTo(String pkg, String module) {
      return descriptor.exports().stream().anyMatch(e -> e.source().equals(pkg)
          && (!e.isQualified() || e.targets().contains(module)));
    }

    boolean exportsQualified(String pkg) {
      return descriptor.exports().stream().anyMatch(e -> e.source().equals(pkg) && e.isQualified());
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: java ArchitectureDoc.java <jdeps output> <doc.md> <jar>...");
      System.exit(2);
    }
    Path jdeps = Path.of(args[0]);
    Path doc = Path.of(args[1]);
    Map<String, Library> libraries = new LinkedHashMap<>(); // module name -> library, bottom-up
    Map<String, String> moduleOf = new HashMap<>(); // package -> module name
    for (int i = 2; i < args.length; i++) {
      Path jar = Path.of(args[i]);
      ModuleReference ref = ModuleFinder.of(jar).findAll().iterator().next();
      String artifact = jar.getFileName().toString().replaceFirst("-\\d.*\\.jar$", "");
      Library lib = new Library(artifact, ref.descriptor());
      libraries.put(lib.name(), lib);
      lib.descriptor().packages().forEach(p -> moduleOf.put(p, lib.name()));
    }

    Map<String, Set<String>> graph = new TreeMap<>(); // package -> packages it depends on
    moduleOf.keySet().forEach(p -> graph.put(p, new TreeSet<>()));
    for (String line : Files.readAllLines(jdeps)) {
      Matcher m = EDGE.matcher(line);
      if (m.matches() && !m.group(1).equals(m.group(2))
          && moduleOf.containsKey(m.group(1)) && moduleOf.containsKey(m.group(2))) {
        graph.get(m.group(1)).add(m.group(2));
      }
    }

    List<String> problems = new ArrayList<>();
    // module -> module -> the packages of the second that the first uses
    Map<String, Map<String, Set<String>>> crossings = new LinkedHashMap<>();
    graph.forEach((from, tos) -> tos.forEach(to -> {
      String fm = moduleOf.get(from);
      String tm = moduleOf.get(to);
      if (fm.equals(tm)) {
        return;
      }
      crossings.computeIfAbsent(fm, k -> new TreeMap<>()).computeIfAbsent(tm, k -> new TreeSet<>()).add(to);
      if (!libraries.get(tm).exportsTo(to, fm)) {
        problems.add(from + " (" + fm + ") uses " + to + ", which " + tm + " does not export to it");
      }
    }));
    Map<String, Set<String>> moduleGraph = new TreeMap<>();
    libraries.keySet().forEach(m -> moduleGraph.put(m, new TreeSet<>(crossings.getOrDefault(m, Map.of()).keySet())));
    for (Set<String> cycle : components(moduleGraph)) {
      if (cycle.size() > 1) {
        problems.add("the modules " + cycle + " depend on each other");
      }
    }

    List<Set<String>> groups = components(graph);
    String picture = render(libraries, moduleOf, graph, crossings, groups, problems);
    writeBetweenMarkers(doc, picture);

    long cycles = groups.stream().filter(g -> g.size() > 1).count();
    System.out.printf("architecture: %d modules, %d packages, %d package dependencies, %d package cycle groups; wrote %s%n",
        libraries.size(), graph.size(), graph.values().stream().mapToInt(Set::size).sum(), cycles, doc);
    for (String problem : problems) {
      System.out.println("architecture: WALL BROKEN: " + problem);
    }
    System.exit(problems.isEmpty() ? 0 : 1);
  }

  static String render(Map<String, Library> libraries, Map<String, String> moduleOf, Map<String, Set<String>> graph,
      Map<String, Map<String, Set<String>>> crossings, List<Set<String>> groups, List<String> problems) {
    StringBuilder md = new StringBuilder();
    md.append(BEGIN).append('\n');
    md.append("<!-- Generated by scripts/architecture.sh from the jars (jdeps -verbose:package); rerun it, do not edit. -->\n\n");

    md.append("### Modules\n\n");
    md.append("An arrow is \"uses\"; its label names the packages of the other module that are used")
        .append(" (package names without `io.peerlink.`; *qualified* = exported to that module only).\n\n");
    md.append("```mermaid\nflowchart TB\n");
    for (Library lib : libraries.values()) {
      md.append("  ").append(id(lib.artifact())).append("[\"").append(lib.artifact())
          .append("<br/><i>module ").append(lib.name()).append("</i>\"]\n");
    }
    crossings.forEach((from, tos) -> tos.forEach((to, pkgs) -> md.append("  ")
        .append(id(libraries.get(from).artifact())).append(" -->|\"")
        .append(pkgs.stream().map(p -> shortName(p) + (libraries.get(to).exportsQualified(p) ? " (qualified)" : ""))
            .collect(Collectors.joining("<br/>")))
        .append("\"| ").append(id(libraries.get(to).artifact())).append('\n')));
    md.append("```\n\n");

    md.append("| module | exports | exports to one module only |\n|---|---|---|\n");
    for (Library lib : libraries.values()) {
      md.append("| ").append(lib.artifact()).append(" | ")
          .append(lib.descriptor().exports().stream().filter(e -> !e.isQualified())
              .map(e -> shortName(e.source())).sorted().map(n -> "`" + n + "`").collect(Collectors.joining(", ")))
          .append(" | ")
          .append(lib.descriptor().exports().stream().filter(ModuleDescriptor.Exports::isQualified)
              .map(e -> shortName(e.source()) + "` to " + String.join(", ", e.targets())).sorted().map(n -> "`" + n)
              .collect(Collectors.joining(", ")))
          .append(" |\n");
    }
    md.append('\n');

    md.append("### Packages\n\n");
    md.append("Packages that depend on each other, directly or through others, form a cycle and share a box;")
        .append(" between boxes the arrows go one way. An arrow that a longer path already gives is left out.\n\n");
    Map<String, Integer> groupOf = new HashMap<>();
    for (int i = 0; i < groups.size(); i++) {
      for (String p : groups.get(i)) {
        groupOf.put(p, i);
      }
    }
    Map<Integer, Set<Integer>> dag = new TreeMap<>();
    for (int i = 0; i < groups.size(); i++) {
      dag.put(i, new TreeSet<>());
    }
    graph.forEach((from, tos) -> tos.forEach(to -> {
      int a = groupOf.get(from);
      int b = groupOf.get(to);
      if (a != b) {
        dag.get(a).add(b);
      }
    }));
    Map<Integer, Set<Integer>> reduced = transitiveReduction(dag);
    md.append("```mermaid\nflowchart TB\n");
    for (Library lib : libraries.values()) {
      md.append("  subgraph ").append(id(lib.artifact())).append("_pkgs[\"").append(lib.artifact()).append("\"]\n");
      for (int i = 0; i < groups.size(); i++) {
        Set<String> g = groups.get(i);
        if (moduleOf.get(g.iterator().next()).equals(lib.name())) {
          md.append("    g").append(i).append("[\"")
              .append(g.stream().map(ArchitectureDoc::shortName).collect(Collectors.joining("<br/>")))
              .append("\"]\n");
        }
      }
      md.append("  end\n");
    }
    reduced.forEach((a, bs) -> bs.forEach(b -> md.append("  g").append(a).append(" --> g").append(b).append('\n')));
    md.append("```\n\n");

    List<Set<String>> cycles = groups.stream().filter(g -> g.size() > 1).collect(Collectors.toList());
    if (cycles.isEmpty()) {
      md.append("Package cycles: none.\n\n");
    } else {
      md.append("Package cycles (each set's packages reach each other):\n\n");
      for (Set<String> c : cycles) {
        md.append("- ").append(libraries.get(moduleOf.get(c.iterator().next())).artifact()).append(": ")
            .append(c.stream().map(p -> "`" + shortName(p) + "`").collect(Collectors.joining(", "))).append('\n');
      }
      md.append('\n');
    }
    Map<String, Set<String>> internals = new TreeMap<>();
    graph.forEach((from, tos) -> {
      if (from.contains(".internal")) {
        internals.put(from, tos.stream().filter(p -> p.contains(".internal")).collect(Collectors.toCollection(TreeSet::new)));
      }
    });
    List<Set<String>> internalCycles = components(internals).stream().filter(g -> g.size() > 1).collect(Collectors.toList());
    md.append("Between internal packages alone (public packages left out): ")
        .append(internalCycles.isEmpty() ? "no cycles." : "cycles " + internalCycles.stream()
            .map(c -> c.stream().map(ArchitectureDoc::shortName).collect(Collectors.joining(", ", "{", "}")))
            .collect(Collectors.joining(", ")) + ".")
        .append("\n");
    Map<String, Set<String>> publics = new TreeMap<>();
    graph.forEach((from, tos) -> {
      if (!from.contains(".internal")) {
        publics.put(from, tos.stream().filter(p -> !p.contains(".internal")).collect(Collectors.toCollection(TreeSet::new)));
      }
    });
    List<Set<String>> publicCycles = components(publics).stream().filter(g -> g.size() > 1).collect(Collectors.toList());
    md.append("Between public packages alone (internal packages left out): ")
        .append(publicCycles.isEmpty() ? "no cycles." : "cycles " + publicCycles.stream()
            .map(c -> c.stream().map(ArchitectureDoc::shortName).collect(Collectors.joining(", ", "{", "}")))
            .collect(Collectors.joining(", ")) + ".")
        .append(publicCycles.isEmpty() ? " So every cycle above runs through internals: a public package and the"
            + " internal code that implements it (a builder makes its implementation, which hands back public types)."
            : "")
        .append("\n\n");
    md.append(problems.isEmpty()
        ? "Walls: every dependency between modules points down the stack and lands on a package exported to the"
            + " module that uses it.\n\n"
        : "Walls broken:\n\n" + problems.stream().map(p -> "- " + p + "\n").collect(Collectors.joining()) + "\n");

    md.append("<details><summary>Every package dependency, as jdeps reports it</summary>\n\n```\n");
    graph.forEach((from, tos) -> {
      if (!tos.isEmpty()) {
        md.append(shortName(from)).append(" -> ")
            .append(tos.stream().map(ArchitectureDoc::shortName).collect(Collectors.joining(", "))).append('\n');
      }
    });
    md.append("```\n\n</details>\n");
    md.append(END);
    return md.toString();
  }

  /** Strongly connected components (Tarjan), each sorted, in the order their first package sorts. */
  static List<Set<String>> components(Map<String, Set<String>> graph) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> out = new ArrayList<>();
    int[] counter = {0};
    for (String v : graph.keySet()) {
      if (!index.containsKey(v)) {
        strongConnect(v, graph, index, low, stack, onStack, out, counter);
      }
    }
    out.sort((a, b) -> a.iterator().next().compareTo(b.iterator().next()));
    return out;
  }

  static void strongConnect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
    index.put(v, counter[0]);
    low.put(v, counter[0]);
    counter[0]++;
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        strongConnect(w, graph, index, low, stack, onStack, out, counter);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      out.add(component);
    }
  }

  /** Drops every edge a→c of a DAG that a longer path a→…→c also gives. */
  static Map<Integer, Set<Integer>> transitiveReduction(Map<Integer, Set<Integer>> dag) {
    Map<Integer, Set<Integer>> reduced = new TreeMap<>();
    dag.forEach((a, bs) -> {
      Set<Integer> keep = new TreeSet<>(bs);
      for (int b : bs) {
        Set<Integer> further = reachable(dag, b);
        keep.removeIf(c -> c != b && further.contains(c));
      }
      reduced.put(a, keep);
    });
    return reduced;
  }

  static Set<Integer> reachable(Map<Integer, Set<Integer>> dag, int from) {
    Set<Integer> seen = new TreeSet<>();
    Deque<Integer> todo = new ArrayDeque<>(dag.get(from));
    while (!todo.isEmpty()) {
      int n = todo.pop();
      if (seen.add(n)) {
        todo.addAll(dag.get(n));
      }
    }
    return seen;
  }

  static void writeBetweenMarkers(Path doc, String picture) throws IOException {
    String text = Files.readString(doc);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalStateException(doc + " has no " + BEGIN + " ... " + END + " markers to write between");
    }
    Files.writeString(doc, text.substring(0, begin) + picture + text.substring(end + END.length()));
  }

  static String shortName(String pkg) {
    return pkg.startsWith(PREFIX) ? pkg.substring(PREFIX.length()) : pkg;
  }

  static String id(String artifact) {
    return artifact.replace('-', '_');
  }
}
