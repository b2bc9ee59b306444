package org.swarmosgi.deployment.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which files of the deploy folder are complete: a {@code .jar} counts once its size and modification
 * time stayed the same across two scans (a copy still being written grows; a file renamed into place
 * atomically is stable at once and counts at the next scan). Each complete version of a file is
 * reported once; a file reported before that disappears is reported gone. Pure: the caller lists the
 * folder and acts.
 */
final class DirectoryScan {

    /** A file's size and modification time. */
    record Stamp(long size, long modified) {
    }

    /** What one scan found. */
    record Result(List<String> complete, List<String> gone) {
    }

    private final Map<String, Stamp> seen = new HashMap<>();
    private final Map<String, Stamp> reported = new HashMap<>();

    /** @param files every {@code .jar} now in the folder, by file name */
    Result scan(Map<String, Stamp> files) {
        final List<String> complete = new ArrayList<>();
        final List<String> gone = new ArrayList<>();
        for (Map.Entry<String, Stamp> f : files.entrySet()) {
            final Stamp before = seen.put(f.getKey(), f.getValue());
            if (f.getValue().equals(before) && f.getValue().size() > 0 && !f.getValue().equals(reported.get(f.getKey()))) {
                reported.put(f.getKey(), f.getValue());
                complete.add(f.getKey());
            }
        }
        seen.keySet().retainAll(files.keySet());
        for (String name : List.copyOf(reported.keySet())) {
            if (!files.containsKey(name)) {
                reported.remove(name);
                gone.add(name);
            }
        }
        complete.sort(null);
        gone.sort(null);
        return new Result(complete, gone);
    }

    /** Names a scan considers: {@code *.jar}, not hidden (editors and copies in progress use dot files). */
    static boolean candidate(String fileName) {
        return fileName.endsWith(".jar") && !fileName.startsWith(".");
    }
}
