package dev.trail.track.query;

import dev.trail.track.RunStatus;

import java.util.List;
import java.util.Set;

/**
 * Which runs a query covers. Null or empty fields match everything.
 *
 * @param env      environment id, exact (e.g. {@code CartPole-v1})
 * @param algo     algorithm, exact, case-insensitive
 * @param statuses statuses to keep
 * @param ids      run ids, id prefixes or globs with {@code *}; a run matches if any matches
 */
public record RunFilter(String env, String algo, Set<RunStatus> statuses, List<String> ids) {

    /** Every run. */
    public static final RunFilter ALL = new RunFilter(null, null, Set.of(), List.of());

    public RunFilter {
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        ids = ids == null ? List.of() : List.copyOf(ids);
    }

    /** Runs matching any of these ids, prefixes or globs. */
    public static RunFilter ids(List<String> ids) {
        return new RunFilter(null, null, Set.of(), ids);
    }

    public boolean matches(RunRow row) {
        if (env != null && !env.isBlank() && !env.equals(row.env())) {
            return false;
        }
        if (algo != null && !algo.isBlank() && !algo.equalsIgnoreCase(row.algo())) {
            return false;
        }
        if (!statuses.isEmpty() && !statuses.contains(row.status())) {
            return false;
        }
        return ids.isEmpty() || ids.stream().anyMatch(p -> idMatches(p, row.id()));
    }

    /** Whether {@code id} is a pattern ({@code *} matches any text) rather than an id or prefix. */
    public static boolean isPattern(String id) {
        return id.contains("*");
    }

    static boolean idMatches(String pattern, String id) {
        if (pattern.contains("*")) {
            StringBuilder re = new StringBuilder();
            for (String part : pattern.split("\\*", -1)) {
                if (!re.isEmpty()) {
                    re.append(".*");
                }
                re.append(java.util.regex.Pattern.quote(part));
            }
            return id.matches(re.toString());
        }
        return id.startsWith(pattern);
    }
}
