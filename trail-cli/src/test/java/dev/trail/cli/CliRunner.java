package dev.trail.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code trail} command in-process and captures its exit code and output. */
record CliRunner(int code, String out, String err) {

    static CliRunner run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Trail.run(new PrintWriter(out), new PrintWriter(err), args);
        return new CliRunner(code, out.toString(), err.toString());
    }
}
