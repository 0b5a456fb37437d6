package dev.trail.cli;

/** Bad input from the user (option, file, config): reported as one line, exit code 2. */
public final class UserError extends RuntimeException {

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }

    /** Throws naming {@code option} and the value unless {@code value >= 1}. */
    static void requirePositive(String option, long value) {
        if (value < 1) {
            throw new UserError(option + " must be at least 1, got " + value);
        }
    }
}
