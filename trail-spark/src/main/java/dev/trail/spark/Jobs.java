package dev.trail.spark;

/** Failures of Spark jobs as one-line messages. */
final class Jobs {

    private Jobs() {
    }

    /** "Spark job failed: ROOT CAUSE" with the first line of the innermost cause (the task's exception). */
    static IllegalStateException failed(Throwable e) {
        return failed(e, " (no dataset was written)");
    }

    /** "Spark job failed: ROOT CAUSE" and {@code suffix}. */
    static IllegalStateException failed(Throwable e, String suffix) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = String.valueOf(root.getMessage());
        int nl = msg.indexOf('\n');
        return new IllegalStateException("Spark job failed: " + root.getClass().getSimpleName() + ": "
                + (nl < 0 ? msg : msg.substring(0, nl)) + suffix, e);
    }
}
