package org.swarmosgi.test.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to run in a child JVM: the running JVM's own {@code java}, a class path (by default this
 * JVM's), a main class with its arguments, JVM flags and system properties, a working folder.
 * Started by {@link Processes#start(ChildJvm)}, which owns the child from then on.
 *
 * <pre>{@code
 * ChildProcess node = processes.start(ChildJvm.of(TestNode.class).name("n1").quickStart()
 *         .jvmFlags("-Xmx64m").args("cluster=c", "port=0"));
 * }</pre>
 */
public final class ChildJvm {

    /** Agrona 2.x (under Aeron) reaches jdk.internal.misc.Unsafe: every JVM that runs Aeron needs this. */
    private static final List<String> AERON_FLAGS = List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");
    /** A short-lived test child: starts fast and runs few threads on a small machine. */
    private static final List<String> QUICK_START_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

    private final String mainClass;
    private String name;
    private String classPath = System.getProperty("java.class.path");
    private final List<String> jvmFlags = new ArrayList<>();
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private final List<String> args = new ArrayList<>();
    private Path workingDirectory;
    private Path stderrLog;
    private String stopLine;

    private ChildJvm(String mainClass) {
        this.mainClass = mainClass;
        this.name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
    }

    /** A child running {@code mainClass}, which must be on the child's class path. */
    public static ChildJvm of(Class<?> mainClass) {
        return of(mainClass.getName());
    }

    public static ChildJvm of(String mainClass) {
        return new ChildJvm(mainClass);
    }

    /** The name in messages and thread names; the main class's simple name unless set. */
    public ChildJvm name(String name) {
        this.name = name;
        return this;
    }

    /** Replaces the class path (this JVM's {@code java.class.path} unless set). */
    public ChildJvm classPath(String classPath) {
        this.classPath = classPath;
        return this;
    }

    /** JVM flags, added after those given before (e.g. {@code -Xmx64m}). */
    public ChildJvm jvmFlags(String... flags) {
        jvmFlags.addAll(List.of(flags));
        return this;
    }

    /** Adds {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}: the child runs Aeron. */
    public ChildJvm aeron() {
        jvmFlags.addAll(AERON_FLAGS);
        return this;
    }

    /**
     * Adds flags for a test child that should start fast on a small machine: serial GC, C1 only, CDS.
     * Not for a child whose latency or throughput is measured.
     */
    public ChildJvm quickStart() {
        jvmFlags.addAll(QUICK_START_FLAGS);
        return this;
    }

    public ChildJvm systemProperty(String key, String value) {
        systemProperties.put(key, value);
        return this;
    }

    /** Program arguments, added after those given before. */
    public ChildJvm args(String... arguments) {
        args.addAll(List.of(arguments));
        return this;
    }

    public ChildJvm args(List<String> arguments) {
        args.addAll(arguments);
        return this;
    }

    /** The child's working folder (this JVM's unless set). */
    public ChildJvm workingDirectory(Path folder) {
        this.workingDirectory = folder;
        return this;
    }

    /** Also writes every stderr line to this file (its folder is created); stderr is collected either way. */
    public ChildJvm stderrLog(Path file) {
        this.stderrLog = file;
        return this;
    }

    /**
     * A line that asks the child to exit cleanly (e.g. {@code exit}): {@link Processes#close()} sends
     * it instead of SIGTERM and kills the child only if it is still running after the grace period.
     */
    public ChildJvm stopLine(String line) {
        this.stopLine = line;
        return this;
    }

    /** The command line: java, flags, -D properties, -cp, main class, arguments. */
    public List<String> command() {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    String name() {
        return name;
    }

    Path stderrLog() {
        return stderrLog;
    }

    String stopLine() {
        return stopLine;
    }

    ProcessBuilder processBuilder() {
        final ProcessBuilder builder = new ProcessBuilder(command());
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        return builder;
    }
}
