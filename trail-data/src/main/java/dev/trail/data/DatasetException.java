package dev.trail.data;

/**
 * Bad dataset input: a malformed line, a corrupt file, a missing or inconsistent field. The
 * message names the file, the line or row, and the field, in one line; the command line reports
 * it with exit code 2.
 */
public final class DatasetException extends IllegalArgumentException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
