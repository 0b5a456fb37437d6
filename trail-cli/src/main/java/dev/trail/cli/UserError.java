package dev.trail.cli;

/** Bad input from the user (option, file, config): reported as one line, exit code 2. */
public final class UserError extends RuntimeException {

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
