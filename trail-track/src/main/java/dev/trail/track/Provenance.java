package dev.trail.track;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What produced a run, collected once at its start: Trail version, git commit, branch and dirty
 * flag of the working directory (read from its {@code .git} files: nothing is executed), JDK, OS, CPU count, host, PID, dependency versions (from the
 * {@code META-INF/maven/<group>/<artifact>/pom.properties} files on the class path), seeds and
 * command line. Every probe that fails yields {@code null} instead of failing the run.
 */
public final class Provenance {

    private Provenance() {
    }

    /** The Trail version of this build, or {@code "unknown"} when run from unfiltered sources. */
    public static String trailVersion() {
        try (InputStream in = Provenance.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    /**
     * Collects the provenance of a run that starts now.
     *
     * @param workDir folder whose git state is recorded (normally the current directory)
     */
    static Map<String, Object> collect(String runId, RunInfo info, Path workDir, String startTime) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("run_id", runId);
        p.put("trail_version", trailVersion());
        p.put("env", info.envId());
        p.put("algo", info.algo());
        p.put("seeds", info.seeds());
        p.put("command_line", info.commandLine());
        p.put("start_time", startTime);
        p.put("end_time", null);
        p.put("exit_status", null);
        p.put("git", git(workDir));
        Map<String, Object> java = new LinkedHashMap<>();
        java.put("version", System.getProperty("java.version"));
        java.put("vendor", System.getProperty("java.vendor"));
        java.put("vm", System.getProperty("java.vm.name"));
        java.put("home", System.getProperty("java.home"));
        List<String> jvmArgs;
        try {
            jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        } catch (RuntimeException | LinkageError e) {
            jvmArgs = List.of();
        }
        java.put("jvm_args", jvmArgs);
        p.put("java", java);
        Map<String, Object> os = new LinkedHashMap<>();
        os.put("name", System.getProperty("os.name"));
        os.put("arch", System.getProperty("os.arch"));
        os.put("version", System.getProperty("os.version"));
        p.put("os", os);
        p.put("cpus", Runtime.getRuntime().availableProcessors());
        p.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        p.put("host", hostName());
        p.put("pid", ProcessHandle.current().pid());
        p.put("working_directory", workDir.toAbsolutePath().normalize().toString());
        p.put("dependencies", dependencyVersions());
        return p;
    }

    /** Host name, or {@code null} if it cannot be determined. */
    public static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code {commit, dirty, branch, dirty_method}} of the git work tree holding {@code dir}, or
     * {@code null} if it is none: read from the {@code .git} files ({@link GitState}), never by
     * running {@code git}, whose repository config could run commands.
     */
    static Map<String, Object> git(Path dir) {
        return GitState.read(dir);
    }

    /**
     * {@code group:artifact -> version} for every jar (or folder) on the class path that carries
     * Maven's {@code pom.properties}, sorted by name.
     */
    public static Map<String, String> dependencyVersions() {
        return DependencyHolder.VERSIONS;
    }

    /** The class path does not change while a JVM runs: scan it once. */
    private static final class DependencyHolder {
        static final Map<String, String> VERSIONS = java.util.Collections.unmodifiableMap(scanDependencyVersions());
    }

    private static Map<String, String> scanDependencyVersions() {
        Map<String, String> deps = new TreeMap<>();
        String cp = System.getProperty("java.class.path", "");
        java.util.ArrayDeque<Path> queue = new java.util.ArrayDeque<>();
        java.util.Set<Path> seen = new java.util.HashSet<>();
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                queue.add(Paths.get(entry).toAbsolutePath().normalize());
            }
        }
        while (!queue.isEmpty()) {
            Path path = queue.poll();
            if (!seen.add(path)) {
                continue;
            }
            try {
                if (Files.isDirectory(path)) {
                    Path maven = path.resolve("META-INF/maven");
                    if (Files.isDirectory(maven)) {
                        try (Stream<Path> s = Files.walk(maven, 3)) {
                            for (Path f : (Iterable<Path>) s.filter(x -> x.endsWith("pom.properties"))::iterator) {
                                try (InputStream in = Files.newInputStream(f)) {
                                    addPom(deps, in);
                                }
                            }
                        }
                    }
                } else if (path.toString().endsWith(".jar") && Files.isRegularFile(path)) {
                    try (JarFile jar = new JarFile(path.toFile(), false)) {
                        int before = deps.size();
                        Enumeration<JarEntry> en = jar.entries();
                        while (en.hasMoreElements()) {
                            JarEntry je = en.nextElement();
                            String n = je.getName();
                            if (n.startsWith("META-INF/maven/") && n.endsWith("/pom.properties")) {
                                try (InputStream in = jar.getInputStream(je)) {
                                    addPom(deps, in);
                                }
                            }
                        }
                        // launcher jars (java -jar, surefire's booter) list the real class path in their manifest
                        java.util.jar.Manifest mf = jar.getManifest();
                        if (deps.size() == before) {
                            addFromFileName(deps, path);
                        }
                        String classPath = mf == null ? null : mf.getMainAttributes().getValue("Class-Path");
                        if (classPath != null) {
                            for (String ref : classPath.trim().split("\\s+")) {
                                if (ref.isEmpty()) {
                                    continue;
                                }
                                try {
                                    java.net.URI uri = path.getParent().toUri().resolve(ref);
                                    queue.add(Paths.get(uri).toAbsolutePath().normalize());
                                } catch (RuntimeException ignored) {
                                    // not a local file reference
                                }
                            }
                        }
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // an unreadable class path entry is not a reason to fail a run
            }
        }
        return deps;
    }

    private static final java.util.regex.Pattern JAR_NAME = java.util.regex.Pattern.compile("(.+?)-(\\d[^-]*(-.*)?)\\.jar");

    /** For jars without pom.properties: {@code <artifact>-<version>.jar}, group from a Maven repository layout. */
    private static void addFromFileName(Map<String, String> deps, Path jar) {
        java.util.regex.Matcher m = JAR_NAME.matcher(jar.getFileName().toString());
        if (!m.matches()) {
            return;
        }
        String artifact = m.group(1);
        String version = m.group(2);
        Path versionDir = jar.getParent();
        Path artifactDir = versionDir == null ? null : versionDir.getParent();
        String key = artifact;
        if (artifactDir != null && versionDir.getFileName().toString().equals(version)
                && artifactDir.getFileName().toString().equals(artifact)) {
            List<String> group = new ArrayList<>();
            for (Path p = artifactDir.getParent(); p != null && p.getFileName() != null; p = p.getParent()) {
                if (p.getFileName().toString().equals("repository")) {
                    key = String.join(".", group.reversed()) + ":" + artifact;
                    break;
                }
                group.add(p.getFileName().toString());
            }
        }
        deps.putIfAbsent(key, version);
    }

    private static void addPom(Map<String, String> deps, InputStream in) throws IOException {
        Properties p = new Properties();
        p.load(in);
        String g = p.getProperty("groupId");
        String a = p.getProperty("artifactId");
        String v = p.getProperty("version");
        if (g != null && a != null && v != null) {
            deps.put(g + ":" + a, v);
        }
    }
}
