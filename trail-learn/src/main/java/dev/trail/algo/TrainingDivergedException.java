package dev.trail.algo;

/** A loss term or gradient became NaN or infinite: training stops, naming the term and the update. */
public final class TrainingDivergedException extends ArithmeticException {

    private static final long serialVersionUID = 1L;

    private final String term;
    private final int update;

    /**
     * @param algorithm e.g. {@code PPO}
     * @param term the metric or gradient name, e.g. {@code losses/value_loss}
     * @param update the 1-based update number
     * @param value the offending value
     */
    public TrainingDivergedException(String algorithm, String term, int update, double value) {
        super(algorithm + " diverged at update " + update + ": " + term + " is " + value
                + "; lower the learning rate, enable observation/reward normalization, or check the environment's rewards");
        this.term = term;
        this.update = update;
    }

    /** The term that became non-finite. */
    public String term() {
        return term;
    }

    /** The 1-based update number. */
    public int update() {
        return update;
    }
}
