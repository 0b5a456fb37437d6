package dev.trail.trajectory;

/**
 * The one canonical form of a text action (a token string, a tool call), used wherever two text
 * actions are compared (SALT's merge keys, tree-prefix checks, dataset statistics). Text actions
 * are stored as given and compared through this form, never through a hash, so two different
 * actions can never be taken for the same one.
 */
public final class ActionText {

    private ActionText() {
    }

    /**
     * Surrounding whitespace stripped and inner runs of whitespace collapsed to one space; a JSON
     * object or array (a tool call) is re-serialised with sorted object keys and no insignificant
     * whitespace (strings inside it kept as written). Text that is not valid JSON is only
     * whitespace-normalised.
     */
    public static String canonical(String text) {
        String s = text.strip();
        if (s.startsWith("{") || s.startsWith("[")) {
            try {
                return CanonicalJson.canonicalise(s);
            } catch (IllegalArgumentException notJson) {
                // fall through: plain text
            }
        }
        return s.replaceAll("\\s+", " ");
    }

    /** Whether two text actions are the same action in canonical form. */
    public static boolean same(String a, String b) {
        return a.equals(b) || canonical(a).equals(canonical(b));
    }
}
