package dev.trail.data;

/**
 * Arrow Java settings applied before its classes load: Trail's readers compute every index from
 * the vectors themselves, so Arrow's per-access bounds and null checks (which cost more than the
 * reads) are switched off unless the user set the properties.
 */
final class ArrowSettings {

    private ArrowSettings() {
    }

    static void apply() {
        if (System.getProperty("arrow.enable_unsafe_memory_access") == null) {
            System.setProperty("arrow.enable_unsafe_memory_access", "true");
        }
        if (System.getProperty("arrow.enable_null_check_for_get") == null) {
            System.setProperty("arrow.enable_null_check_for_get", "false");
        }
    }
}
