package dev.trail.spark;

/** Failures of Spark jobs as one-line messages. */
final class Jobs {

    private Jobs() {
    }

    /** "Spark job failed: ROOT CAUSE" with the first line of the innermost cause (the task's exception). */
    static IllegalStateException failed(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = String.valueOf(root.getMessage());
        int nl = msg.indexOf('\n');
        return new IllegalStateException("Spark job failed: " + root.getClass().getSimpleName() + ": "
                + (nl < 0 ? msg : msg.substring(0, nl)) + " (no dataset was written)", e);
    }
}
