package dev.trail.seed.numpy;

/**
 * NumPy's {@code PCG64} bit generator: a 128-bit linear congruential state with the XSL-RR output
 * function ({@code numpy/random/src/pcg64/pcg64.h}), held in two {@code long}s per 128-bit value.
 *
 * <ul>
 *   <li>{@code step}: {@code state = state * 0x2360ED051FC65DA44385DF649FCCF645 + inc (mod 2^128)}.
 *   <li>{@link #nextLong()} ({@code random_raw}): step, then
 *       {@code rotr64(hi64(state) ^ lo64(state), state >>> 122)} of the new state.
 *   <li>{@link #nextInt()}: the low 32 bits of a fresh 64-bit output, keeping the high 32 bits
 *       for the next 32-bit draw. The buffer lives here, so it persists across calls of any
 *       kind; 64-bit draws leave it alone.
 * </ul>
 *
 * <p>Seeding from a {@link SeedSequence} ({@code _pcg64.pyx}): with {@code s =
 * generate_state(4, uint64)}, {@code initstate = s[0] << 64 | s[1]}, {@code initseq = s[2] << 64 |
 * s[3]}, then {@code inc = initseq << 1 | 1; state = 0; step; state += initstate; step}.
 *
 * <p>Not thread-safe.
 */
public final class Pcg64 {

    private static final long MULT_HI = 0x2360ED051FC65DA4L;
    private static final long MULT_LO = 0x4385DF649FCCF645L;

    private long stateHi;
    private long stateLo;
    private final long incHi;
    private final long incLo;
    private boolean hasUint32;
    private int uinteger;

    private Pcg64(long stateHi, long stateLo, long incHi, long incLo, boolean hasUint32, int uinteger) {
        this.stateHi = stateHi;
        this.stateLo = stateLo;
        this.incHi = incHi;
        this.incLo = incLo;
        this.hasUint32 = hasUint32;
        this.uinteger = uinteger;
    }

    /** {@code PCG64(seedSequence)}. */
    public static Pcg64 of(SeedSequence seedSequence) {
        long[] s = seedSequence.generateState(4);
        long incHi = (s[2] << 1) | (s[3] >>> 63);
        long incLo = (s[3] << 1) | 1L;
        Pcg64 g = new Pcg64(0, 0, incHi, incLo, false, 0);
        g.step();
        long lo = g.stateLo + s[1];
        g.stateHi = g.stateHi + s[0] + (Long.compareUnsigned(lo, g.stateLo) < 0 ? 1 : 0);
        g.stateLo = lo;
        g.step();
        return g;
    }

    /**
     * A generator at an exact position, as {@link #state()} returned it.
     *
     * @param state {@code [stateHi, stateLo, incHi, incLo, hasUint32 (0 or 1), uinteger]}
     */
    public static Pcg64 fromState(long[] state) {
        if (state == null || state.length != 6 || (state[3] & 1L) == 0 || (state[4] != 0 && state[4] != 1)
                || (state[5] >>> 32) != 0) {
            throw new IllegalArgumentException("a PCG64 state is 6 longs [stateHi, stateLo, incHi, incLo (odd), "
                    + "hasUint32 (0/1), uinteger (32-bit)], got " + java.util.Arrays.toString(state));
        }
        return new Pcg64(state[0], state[1], state[2], state[3], state[4] == 1, (int) state[5]);
    }

    /** The full state {@code [stateHi, stateLo, incHi, incLo, hasUint32, uinteger]}; see {@link #fromState}. */
    public long[] state() {
        return new long[] {stateHi, stateLo, incHi, incLo, hasUint32 ? 1 : 0, uinteger & 0xffffffffL};
    }

    /** An independent copy at the same position. */
    public Pcg64 copy() {
        return new Pcg64(stateHi, stateLo, incHi, incLo, hasUint32, uinteger);
    }

    private void step() {
        long lo = stateLo * MULT_LO;
        long hi = Math.unsignedMultiplyHigh(stateLo, MULT_LO) + stateLo * MULT_HI + stateHi * MULT_LO;
        long sumLo = lo + incLo;
        stateHi = hi + incHi + (Long.compareUnsigned(sumLo, lo) < 0 ? 1 : 0);
        stateLo = sumLo;
    }

    /** {@code random_raw()}: the next 64-bit output (read it as unsigned). */
    public long nextLong() {
        step();
        return Long.rotateRight(stateHi ^ stateLo, (int) (stateHi >>> 58));
    }

    /** The next 32-bit output (read it as unsigned), from the buffer if it holds one. */
    public int nextInt() {
        if (hasUint32) {
            hasUint32 = false;
            return uinteger;
        }
        long next = nextLong();
        hasUint32 = true;
        uinteger = (int) (next >>> 32);
        return (int) next;
    }

    /** The 128-bit LCG state as an unsigned hexadecimal string, {@code 0x} and 32 digits. */
    public String stateHex() {
        return String.format("0x%016x%016x", stateHi, stateLo);
    }

    /** The 128-bit increment as an unsigned hexadecimal string, {@code 0x} and 32 digits. */
    public String incHex() {
        return String.format("0x%016x%016x", incHi, incLo);
    }
}
