package dev.trail.cli;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code trail} command. */
@Command(name = "trail", mixinStandardHelpOptions = true, versionProvider = Trail.Version.class,
        description = "Trail: trajectory-level reinforcement learning on the JVM.")
public final class Trail implements Callable<Integer> {

    /**
     * The subcommands, in the order {@code trail --help} lists them. They are added to the command
     * line programmatically so that a call such as {@code trail envs} builds picocli's model of its
     * own command only: reflecting over every command's options and running their static
     * initialisers was most of the CLI's start-up time (docs/BENCHMARKS.md, "CLI start-up").
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("envs", EnvsCommand::new);
        m.put("rollout", RolloutCommand::new);
        m.put("collect", CollectCommand::new);
        m.put("train", TrainCommand::new);
        m.put("sft", SftCommand::new);
        m.put("eval", EvalCommand::new);
        m.put("credit", CreditCommand::new);
        m.put("data", DataCommand::new);
        m.put("runs", RunsCommand::new);
        m.put("plot", PlotCommand::new);
        m.put("bench", BenchCommand::new);
        m.put("help", CommandLine.HelpCommand::new);
        return Collections.unmodifiableMap(m);
    }

    /** Exit code of a successful command. */
    public static final int OK = 0;
    /** Exit code of a runtime failure. */
    public static final int FAILURE = 1;
    /** Exit code of bad usage, configuration or input. */
    public static final int USAGE = 2;
    /** Exit code of a command stopped by Ctrl-C or SIGTERM after saving its state (128 + SIGINT). */
    public static final int INTERRUPTED = 130;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given streams and returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Trail());
        Supplier<Object> only = args.length > 0 && !args[0].equals("help") ? SUBCOMMANDS.get(args[0]) : null;
        if (only != null) {
            cli.addSubcommand(args[0], only.get());
        } else {
            SUBCOMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
        }
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(message(ex.getMessage()));
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr())) {
                c.usage(c.getErr());
            }
            return USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            String cmd = commandLine.getCommandName();
            if (ex instanceof UserError || ex instanceof IllegalArgumentException) {
                commandLine.getErr().println(cmd + ": " + message(ex.getMessage()));
                return USAGE;
            }
            commandLine.getErr().println(cmd + ": failed: " + message(ex.toString()));
            if (System.getenv("TRAIL_DEBUG") != null) {
                ex.printStackTrace(commandLine.getErr());
            } else {
                commandLine.getErr().println("(set TRAIL_DEBUG=1 for the stack trace)");
            }
            return FAILURE;
        });
        int code;
        try {
            code = cli.execute(args);
        } catch (OutOfMemoryError e) {
            err.println((args.length > 0 ? args[0] : "trail") + ": out of memory (" + e.getMessage() + ", max heap "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB): give the JVM more with TRAIL_JAVA_OPTS=-Xmx..."
                    + " (e.g. -Xmx8g), or for datasets larger than memory run `trail credit` on Spark (--spark; docs/SPARK.md)");
            code = FAILURE;
        }
        out.flush();
        err.flush();
        return code;
    }

    /** Longest run of characters without a space that a message shows whole. */
    static final int LONGEST_WORD = 200;

    /**
     * An error message as printed: control characters escaped (values come from files and
     * arguments), and any word longer than {@value #LONGEST_WORD} characters (a 10 MB config value)
     * cut to its start and end with its length between.
     */
    static String message(String text) {
        String s = dev.trail.track.internal.TextTable.printable(String.valueOf(text));
        if (s.length() <= LONGEST_WORD) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int j = i;
            while (j < s.length() && !Character.isWhitespace(s.charAt(j))) {
                j++;
            }
            if (j - i > LONGEST_WORD) {
                sb.append(s, i, i + 120).append("...(").append(j - i).append(" characters)...").append(s, j - 40, j);
            } else {
                sb.append(s, i, j);
            }
            while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
                sb.append(s.charAt(j++));
            }
            i = j;
        }
        return sb.toString();
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return USAGE;
    }

    /** The version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Trail.class.getPackage().getImplementationVersion();
            return new String[] {"trail " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
