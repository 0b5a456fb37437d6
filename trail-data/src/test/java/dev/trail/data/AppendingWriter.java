package dev.trail.data;

import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A writer process for the kill -9 test: appends many trajectories to a JSONL file, flushing as
 * it goes, and says "appending" once it is under way.
 */
public final class AppendingWriter {

    private AppendingWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        SplittableRandom rng = new SplittableRandom(5);
        try (TrajectorySink sink = TrajectoryJsonl.create(file, true)) {
            for (int i = 0; i < count; i++) {
                sink.write(Samples.cartPole(100 + i, 50, rng));
                if (i == 100) {
                    System.out.println("appending");
                    System.out.flush();
                }
            }
            sink.commit();
        }
    }
}
