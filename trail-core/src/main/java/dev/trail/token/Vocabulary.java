package dev.trail.token;

import java.util.Arrays;

/**
 * The fixed character-level vocabulary of the token tasks: 3 special tokens and 50 characters,
 * {@value #SIZE} ids in all.
 *
 * <pre>
 *   id  0      PAD   padding (never produced by a task)
 *   id  1      BOS   begins every context, before the prompt
 *   id  2      EOS   ends a response
 *   ids 3-12   '0' .. '9'
 *   ids 13-26  ' ' '+' '-' '*' '/' '=' '(' ')' '&lt;' '&gt;' ':' ',' '.' '?'
 *   ids 27-52  'a' .. 'z'
 * </pre>
 *
 * <p>The layout never changes: token ids are stored in datasets and checkpoints. Encoding a
 * character outside the vocabulary is an {@link IllegalArgumentException} naming it; decoding
 * renders the special tokens as {@code [PAD]}, {@code [BOS]} and {@code [EOS]} (brackets are not
 * in the vocabulary, so the rendering cannot be mistaken for encoded text).
 */
public final class Vocabulary {

    /** Padding. */
    public static final int PAD = 0;
    /** Beginning of a context. */
    public static final int BOS = 1;
    /** End of a response. */
    public static final int EOS = 2;

    private static final String CHARS = "0123456789" + " +-*/=()<>:,.?" + "abcdefghijklmnopqrstuvwxyz";
    private static final int FIRST_CHAR = 3;

    /** Number of token ids. */
    public static final int SIZE = FIRST_CHAR + 50;

    private static final int[] ID_OF = new int[128];

    static {
        if (CHARS.length() != SIZE - FIRST_CHAR) {
            throw new AssertionError("vocabulary layout changed");
        }
        Arrays.fill(ID_OF, -1);
        for (int i = 0; i < CHARS.length(); i++) {
            ID_OF[CHARS.charAt(i)] = FIRST_CHAR + i;
        }
    }

    private Vocabulary() {
    }

    /** Number of token ids ({@value #SIZE}). */
    public static int size() {
        return SIZE;
    }

    /** Whether {@code c} has a token id. */
    public static boolean contains(char c) {
        return c < 128 && ID_OF[c] >= 0;
    }

    /** The id of character {@code c}. */
    public static int id(char c) {
        if (!contains(c)) {
            throw new IllegalArgumentException("character " + describe(c) + " is not in the token vocabulary; allowed: "
                    + "digits, lowercase letters and \"" + CHARS.substring(10, 24) + "\"");
        }
        return ID_OF[c];
    }

    /** The token ids of {@code text}, one per character (no BOS or EOS added). */
    public static int[] encode(String text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            char c = text.charAt(i);
            if (!contains(c)) {
                throw new IllegalArgumentException("character " + describe(c) + " at index " + i + " of \""
                        + text + "\" is not in the token vocabulary; allowed: digits, lowercase letters and \""
                        + CHARS.substring(10, 24) + "\"");
            }
            ids[i] = ID_OF[c];
        }
        return ids;
    }

    /** The text of {@code ids}; special tokens render as {@code [PAD]}, {@code [BOS]}, {@code [EOS]}. */
    public static String decode(int[] ids) {
        return decode(ids, 0, ids.length);
    }

    /** The text of {@code ids[from .. to)}. */
    public static String decode(int[] ids, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            appendToken(sb, ids[i]);
        }
        return sb.toString();
    }

    /** Appends the text of one token id to {@code sb}. */
    static void appendToken(StringBuilder sb, int id) {
        switch (id) {
            case PAD -> sb.append("[PAD]");
            case BOS -> sb.append("[BOS]");
            case EOS -> sb.append("[EOS]");
            default -> {
                if (id < FIRST_CHAR || id >= SIZE) {
                    throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + SIZE + ")");
                }
                sb.append(CHARS.charAt(id - FIRST_CHAR));
            }
        }
    }

    /** The character of a non-special id. */
    public static char character(int id) {
        if (id < FIRST_CHAR || id >= SIZE) {
            throw new IllegalArgumentException("token id " + id + " is not a character token; characters are ids ["
                    + FIRST_CHAR + ", " + SIZE + ")");
        }
        return CHARS.charAt(id - FIRST_CHAR);
    }

    private static String describe(char c) {
        return c >= 32 && c < 127 ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
